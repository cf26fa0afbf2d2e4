import { client } from "../client";

export const statsQuery = (space: string) => ({
  queryKey: ["stats", space] as const,
  queryFn: () => client.stats(space),
});

export const terminalsQuery = (space: string) => ({
  queryKey: ["terminals", space] as const,
  queryFn: () => client.terminals(space),
  refetchInterval: 10_000,
});
