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

/** Every space's load in one request; the list polls it while open (one read on the server for every tab). */
export const allStatsQuery = () => ({
  queryKey: ["load"] as const,
  queryFn: () => client.allStats(),
  refetchInterval: 5_000,
  staleTime: 0,
});
