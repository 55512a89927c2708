import { z } from "zod";

/** A Hub model repo name, `org/name`, as the Hub allows them. */
export const repoIdSchema = z
  .string()
  .max(96)
  .regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/, "Use org/name for the repository (letters, digits, '.', '_' and '-')")
  .refine((id) => !id.includes("--") && !id.endsWith(".git"), "A repository name cannot contain '--' or end in '.git'");

export const branchSchema = z
  .string()
  .min(1)
  .max(255)
  .refine((b) => !/^[0-9a-f]{40}$/.test(b) && !/[\0-\x20~^:?*[\\\x7f]|\.\.|@\{|\/\/|^[/.]|\/$|\.lock$|\.$/.test(b), "Not a valid branch name");

export const pushInput = z
  .object({
    /** The workspace folder (absolute). */
    workspace: z.string().min(1),
    repo: repoIdSchema,
    /** Create the repo (and the branch) when missing. */
    create: z.boolean().optional(),
    /** mlx-knife's flag; a new repo is private anyway unless `public`. */
    private: z.boolean().optional(),
    public: z.boolean().optional(),
    branch: branchSchema.optional(),
    message: z.string().min(1).max(1000).optional(),
    /** Compare and report, change nothing. */
    dryRun: z.boolean().optional(),
    /** Health and the file list only: no network. */
    checkOnly: z.boolean().optional(),
    /** Push even when a finding blocks loading; the commit message says so. */
    force: z.boolean().optional(),
  })
  .refine((input) => !(input.private && input.public), { message: "Choose --private or --public, not both", path: ["public"] });

export type PushInput = z.output<typeof pushInput>;
