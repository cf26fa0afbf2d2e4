import { describe, expect, it } from "vitest";
import { maskString } from "../../src/core/mask.js";

describe("masking of more secret shapes", () => {
  const cases: Array<[string, string, string]> = [
    ["mysql -pS3cr3tPass -h db app", "S3cr3tPass", "mysql -p[MASKED] -h db app"],
    ["mysqldump -u root -pHunter2db app", "Hunter2db", "mysqldump -u root -p[MASKED] app"],
    ["curl -u alice:Pa55word https://x", "Pa55word", "curl -u alice:[MASKED] https://x"],
    ["curl --user=bob:Zz9secret https://x", "Zz9secret", "curl --user=bob:[MASKED] https://x"],
    ["aws configure set aws_secret_access_key wJalrXUtnFEMIK7MDENG", "wJalrXUtnFEMIK7MDENG", "aws configure set aws_secret_access_key [MASKED]"],
    ["sshpass -p 0penSesame ssh host", "0penSesame", "sshpass -p [MASKED] ssh host"],
    ["vault login hvs.CAESIJ1a2b3c4d5e6f7g8h9i0jklmnop", "hvs.CAESIJ1a2b3c4d5e6f7g8h9i0jklmnop", "vault login [MASKED]"],
    ["echo cs_abcdefghijklmnopqrstuvwxyzABCDEF0123456789", "cs_abcdefghijklmnopqrstuvwxyzABCDEF0123456789", "echo [MASKED]"],
  ];
  for (const [input, secret, want] of cases) {
    it(`masks ${input.split(" ")[0]} (${want})`, () => {
      const out = maskString(input);
      expect(out).not.toContain(secret);
      expect(out).toBe(want);
    });
  }
  it("leaves ordinary words alone", () => {
    expect(maskString("mysql --version")).toBe("mysql --version");
    expect(maskString("ls -u -p")).toBe("ls -u -p");
  });
});
