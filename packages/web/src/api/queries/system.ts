import { client } from "../client";

export const systemQuery = () => ({
  queryKey: ["system"] as const,
  queryFn: () => client.system(),
  refetchInterval: 15_000,
});

export const nodesQuery = () => ({
  queryKey: ["nodes"] as const,
  queryFn: () => client.nodes(),
  refetchInterval: 15_000,
});
