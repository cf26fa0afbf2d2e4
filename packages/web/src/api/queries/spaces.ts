import type { CreateSpaceRequest } from "@clawdspace/shared";
import { client } from "../client";

export const spacesQuery = () => ({
  queryKey: ["spaces"] as const,
  queryFn: () => client.listSpaces(),
  // The event stream invalidates on every change; this slow re-list covers a stream cut by a proxy.
  refetchInterval: 30_000,
});

export const spaceQuery = (name: string) => ({
  queryKey: ["spaces", name] as const,
  queryFn: () => client.getSpace(name),
});

export const templatesQuery = () => ({
  queryKey: ["templates"] as const,
  queryFn: () => client.listTemplates(),
  staleTime: 60_000,
});

export const spaceActions = {
  create: (body: CreateSpaceRequest) => client.createSpace(body),
  pause: (name: string) => client.pauseSpace(name),
  resume: (name: string) => client.startSpace(name),
  keepAwake: (name: string, ttlMs: number) => client.keepalive(name, ttlMs),
  destroy: (name: string, removeVolume: boolean) => client.deleteSpace(name, { removeVolume }),
};
