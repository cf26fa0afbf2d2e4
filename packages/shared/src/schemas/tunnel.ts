import { z } from "zod";

export const TUNNEL_TARGETS = ["ssh", "port"] as const;
export type TunnelTarget = (typeof TUNNEL_TARGETS)[number];

export const TcpPortSchema = z.coerce
  .number({ error: "port must be a number" })
  .int({ error: "port must be a whole number" })
  .min(1, { error: "port must be 1-65535" })
  .max(65535, { error: "port must be 1-65535" });

/** GET /api/spaces/:name/tunnel: `target=ssh` (sshd as the space's user) or `port=N` (127.0.0.1:N in the space). */
export const TunnelQuerySchema = z
  .strictObject({
    target: z.enum(TUNNEL_TARGETS, { error: "target must be ssh or port" }).optional(),
    port: TcpPortSchema.optional(),
  })
  .transform((q, ctx) => {
    const target = q.target ?? (q.port !== undefined ? "port" : undefined);
    if (target === undefined) {
      ctx.addIssue({ code: "custom", path: ["target"], message: "give target=ssh or port=N" });
      return z.NEVER;
    }
    if (target === "port" && q.port === undefined) {
      ctx.addIssue({ code: "custom", path: ["port"], message: "target=port needs port=N" });
      return z.NEVER;
    }
    if (target === "ssh" && q.port !== undefined) {
      ctx.addIssue({ code: "custom", path: ["port"], message: "target=ssh takes no port" });
      return z.NEVER;
    }
    return target === "ssh" ? { target, port: undefined } : { target, port: q.port! };
  });
export type TunnelQuery = z.output<typeof TunnelQuerySchema>;

/** Text frames on the tunnel socket; binary frames are the bytes. `eof`: the sender will write no more (a half-close). */
export const TunnelControlSchema = z.discriminatedUnion("type", [z.object({ type: z.literal("eof") })]);
export type TunnelControl = z.infer<typeof TunnelControlSchema>;

/** One OpenSSH public key line, without options (`command=` and the like are not ours to take). */
export const SshPublicKeySchema = z
  .string()
  .trim()
  .max(16 * 1024, { error: "publicKey is too long" })
  .regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n\0]{0,256})?$/, {
    error: "publicKey must be one OpenSSH public key line (type, base64, optional comment), without options",
  });

export const SshKeyRequestSchema = z.strictObject({ publicKey: SshPublicKeySchema });
export type SshKeyRequest = z.infer<typeof SshKeyRequestSchema>;

/** What the CLI needs to trust the space: its host keys (known_hosts lines without a host) and the user to log in as. */
export const SshKeyAnswerSchema = z.object({
  user: z.string(),
  hostKeys: z.array(z.string()),
  added: z.boolean(),
});
export type SshKeyAnswer = z.infer<typeof SshKeyAnswerSchema>;
