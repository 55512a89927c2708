"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import type { PushResult } from "../../../../lib/operations/push";
import type { Published } from "../../../../lib/push/read-published";
import type { AppJob } from "../../../../server/services";
import { ErrorBox } from "../../../_components/error-box";
import { formatBytes } from "../../../_components/format";
import { JobProgress } from "../../../_components/job-progress";
import { useTRPC } from "../../../_trpc/client";

/** The same rules the server applies (lib/push/push-input.ts), checked here to put the message next to its field. */
const NAME_PART = /^[A-Za-z0-9][\w.-]*$/;
const BAD_BRANCH = /[\0-\x20~^:?*[\\\x7f]|\.\.|@\{|\/\/|^[/.]|\/$|\.lock$|\.$/;

function ownerError(owner: string): string | null {
  if (!owner) return "Choose who owns the repository.";
  return NAME_PART.test(owner) ? null : "Use letters, digits, '.', '_' and '-' for the owner.";
}

function nameError(name: string): string | null {
  if (!name) return "Name the repository.";
  if (!NAME_PART.test(name)) return "Use letters, digits, '.', '_' and '-', starting with a letter or digit.";
  if (name.includes("--") || name.endsWith(".git")) return "A repository name cannot contain '--' or end in '.git'.";
  return null;
}

function branchError(branch: string): string | null {
  if (!branch) return "Name the branch (main is the default).";
  return BAD_BRANCH.test(branch) || /^[0-9a-f]{40}$/.test(branch) ? "Not a valid branch name." : null;
}

/** Which field a failed push belongs next to, by its error code. */
function fieldOf(code: string): "repo" | "branch" | "health" | null {
  if (["repo_not_found", "push_forbidden", "push_unauthorized", "push_needs_token"].includes(code)) return "repo";
  if (code === "branch_not_found") return "branch";
  if (code === "workspace_unhealthy") return "health";
  return null;
}

const input = "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm";
const CHANGE_SIGN = { added: "+", modified: "~", deleted: "−" } as const;
const CHANGE_COLOR = { added: "text-emerald-800", modified: "text-amber-800", deleted: "text-red-800" } as const;

function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="text-xs text-red-800">
      {message}
    </p>
  );
}

/**
 * Publish this workspace to the Hub: target repo (owner picked from whoami),
 * visibility, branch and commit message; a dry run first, with every change
 * and the bytes it would send and the health gate's verdict; then the push as
 * a job, with live progress, and a link to the commit. Where it was last
 * published is shown above, from the workspace's sentinel.
 */
export function PushDialog({ workspace, published }: { workspace: string; published: Published | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const search = useSearchParams();
  const queryClient = useQueryClient();
  // The jobs in the URL too, so a reload finds them again.
  const [previewJob, setPreviewJob] = useState(search.get("pushPreview"));
  const [pushJob, setPushJob] = useState(search.get("push"));
  const whoami = useQuery(trpc.hub.whoami.queryOptions());
  const [open, setOpen] = useState(false);
  const [owner, setOwner] = useState<string | null>(null);
  const [name, setName] = useState(published ? published.repo.split("/")[1] ?? workspace : workspace);
  const [visibility, setVisibility] = useState<"private" | "public">("private");
  const [branch, setBranch] = useState(published?.branch ?? "main");
  const [message, setMessage] = useState("");
  const [force, setForce] = useState(false);
  const [preview, setPreview] = useState<PushResult | null>(null);
  const [result, setResult] = useState<PushResult | null>(null);
  const [failure, setFailure] = useState<{ code: string; message: string; hint: string } | null>(null);
  const [touched, setTouched] = useState(false);

  const owners = whoami.data ? [whoami.data.name, ...whoami.data.orgs] : [];
  const chosenOwner = owner ?? (published ? published.repo.split("/")[0] : undefined) ?? owners[0] ?? "";
  const repo = `${chosenOwner}/${name}`;
  const errors = { owner: ownerError(chosenOwner), name: nameError(name), branch: branchError(branch) };
  const valid = !errors.owner && !errors.name && !errors.branch;
  const failedField = failure ? fieldOf(failure.code) : null;
  const refused = preview?.health.would_refuse ?? false;

  const start = useMutation(trpc.operations.start.mutationOptions());
  const request = (dryRun: boolean) => ({
    kind: "push" as const,
    workspace,
    repo,
    branch,
    visibility,
    create: true,
    dryRun,
    force: dryRun ? false : force,
    ...(message.trim() ? { message: message.trim() } : {}),
  });
  const run = (dryRun: boolean) => {
    setTouched(true);
    if (!valid) return;
    setFailure(null);
    // The previous job's view goes too: watching it again would hand back its old result as the new one.
    if (dryRun) {
      setPreview(null);
      setPreviewJob(null);
    } else {
      setResult(null);
      setPushJob(null);
    }
    start.mutate(request(dryRun), {
      onSuccess: (job) => {
        if (dryRun) setPreviewJob(job.id);
        else setPushJob(job.id);
        router.replace(`?${dryRun ? "pushPreview" : "push"}=${job.id}`, { scroll: false });
      },
    });
  };
  // Any change to the target makes the preview stale: it must be run again before pushing.
  const edit = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setPreview(null);
    setPreviewJob(null);
    setFailure(null);
  };
  const onFailed = (job: AppJob) => setFailure(job.error);
  const onPreviewed = (job: AppJob) => job.kind === "push" && setPreview(job.result);
  const onPushed = (job: AppJob) => {
    if (job.kind !== "push") return;
    setResult(job.result);
    void queryClient.invalidateQueries(trpc.models.get.queryFilter());
  };

  return (
    <section className="space-y-3" data-testid="push-panel">
      <div className="flex items-center justify-between gap-4">
        <h2 className="text-lg font-semibold">Publish</h2>
        {!open && !previewJob && !pushJob ? (
          <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50">
            Push to Hub…
          </button>
        ) : null}
      </div>
      {published ? (
        <p className="text-sm" data-testid="published">
          Published to <span className="font-mono">{published.repo}</span>@{published.branch}, commit{" "}
          {published.url ? (
            <a href={published.url} className="font-mono text-emerald-800 hover:underline" target="_blank" rel="noreferrer">
              {published.commit.slice(0, 7)}
            </a>
          ) : (
            <span className="font-mono">{published.commit.slice(0, 7)}</span>
          )}{" "}
          <span className="text-stone-500">({new Date(published.at).toLocaleString()})</span>
        </p>
      ) : (
        <p className="text-sm text-stone-600">Push this workspace to a Hub repository as one commit; a new repository is private unless you choose public.</p>
      )}

      {open || previewJob || pushJob ? (
        <form
          role="dialog"
          aria-label="Push to Hub"
          data-testid="push-dialog"
          className="space-y-4 rounded-md border border-stone-200 bg-stone-100/60 p-4"
          onSubmit={(e) => {
            e.preventDefault();
            run(true);
          }}
        >
          <div className="flex flex-wrap items-start gap-4">
            <div className="flex flex-col gap-1 text-sm">
              <label htmlFor="push-owner">Owner</label>
              {owners.length > 0 ? (
                <select id="push-owner" className={input} value={chosenOwner} onChange={(e) => edit(setOwner)(e.target.value)} aria-describedby="push-owner-error">
                  {[...new Set([...owners, chosenOwner])].map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ) : (
                <input id="push-owner" className={input} value={chosenOwner} onChange={(e) => edit(setOwner)(e.target.value)} aria-describedby="push-owner-error" />
              )}
              <FieldError id="push-owner-error" message={touched ? errors.owner : null} />
              {whoami.data === null ? <p className="text-xs text-stone-500">No Hub token: set HF_TOKEN to a token with write access to push.</p> : null}
              {whoami.error ? <p className="text-xs text-red-800">Cannot ask the Hub who you are: {whoami.error.message}</p> : null}
            </div>
            <div className="flex flex-col gap-1 text-sm">
              <label htmlFor="push-name">Repository</label>
              <input id="push-name" className={input} value={name} onChange={(e) => edit(setName)(e.target.value)} aria-describedby="push-name-error" />
              <FieldError id="push-name-error" message={touched ? errors.name : null} />
              <FieldError id="push-repo-failure" message={failedField === "repo" && failure ? `${failure.message} ${failure.hint}` : null} />
            </div>
            <fieldset className="flex flex-col gap-1 text-sm">
              <legend>Visibility (new repositories)</legend>
              <label className="flex items-center gap-1">
                <input type="radio" name="push-visibility" checked={visibility === "private"} onChange={() => edit(setVisibility)("private")} /> Private
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" name="push-visibility" checked={visibility === "public"} onChange={() => edit(setVisibility)("public")} /> Public
              </label>
            </fieldset>
            <div className="flex flex-col gap-1 text-sm">
              <label htmlFor="push-branch">Branch</label>
              <input id="push-branch" className={input} value={branch} onChange={(e) => edit(setBranch)(e.target.value)} aria-describedby="push-branch-error" />
              <FieldError id="push-branch-error" message={(touched ? errors.branch : null) ?? (failedField === "branch" && failure ? failure.message : null)} />
            </div>
            <div className="flex min-w-64 flex-1 flex-col gap-1 text-sm">
              <label htmlFor="push-message">Commit message</label>
              <input id="push-message" className={input} value={message} placeholder="Upload model with whet push" onChange={(e) => setMessage(e.target.value)} />
            </div>
          </div>
          <div className="flex gap-2">
            <button type="submit" className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50" disabled={start.isPending}>
              Preview changes
            </button>
            <button
              type="button"
              onClick={() => run(false)}
              disabled={!preview || (refused && !force) || start.isPending}
              className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50"
            >
              Push to {repo}
            </button>
          </div>
          <ErrorBox error={start.error} />

          {previewJob && !preview ? <JobProgress key={previewJob} id={previewJob} onFinished={onPreviewed} onFailed={onFailed} /> : null}
          {preview ? <PushPreview preview={preview} visibility={visibility} force={force} onForce={setForce} failure={failedField === "health" ? failure : null} /> : null}
          {failure && !failedField ? (
            <div role="alert" className="text-sm text-red-800">
              <p>{failure.message}</p>
              <p className="text-red-700">{failure.hint}</p>
            </div>
          ) : null}

          {pushJob ? <JobProgress key={pushJob} id={pushJob} onFinished={onPushed} onFailed={onFailed} /> : null}
          {result ? (
            <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm" data-testid="push-result">
              {result.no_changes ? (
                <p>
                  No changes: <span className="font-mono">{result.repo_id}</span>@{result.branch} already holds this workspace; no commit was made.
                </p>
              ) : (
                <p>
                  Pushed {result.uploaded_files_count} files ({formatBytes(result.bytes_uploaded)} sent) to{" "}
                  <span className="font-mono">{result.repo_id}</span>@{result.branch}
                  {result.created_repo ? `, a new ${result.private ? "private" : "public"} repository` : ""}:{" "}
                  <a href={result.commit_url ?? result.repo_url} className="font-mono font-medium text-emerald-800 hover:underline" target="_blank" rel="noreferrer">
                    commit {result.commit_sha?.slice(0, 7)}
                  </a>
                </p>
              )}
            </div>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

/** The dry run's answer: what would be created, every change with its size and the bytes it would send, and the health verdict. */
function PushPreview({
  preview,
  visibility,
  force,
  onForce,
  failure,
}: {
  preview: PushResult;
  visibility: "private" | "public";
  force: boolean;
  onForce: (force: boolean) => void;
  failure: { message: string; hint: string } | null;
}) {
  const summary = preview.dry_run_summary ?? preview.change_summary;
  return (
    <div className="space-y-3 rounded-md border border-stone-200 bg-white p-4" data-testid="push-preview">
      <p className="text-sm">
        {preview.would_create_repo
          ? `${preview.repo_id} does not exist: the push creates it, ${visibility}, with every file. `
          : preview.would_create_branch
            ? `Branch ${preview.branch} does not exist: the push creates it from main. `
            : ""}
        {preview.no_changes ? (
          <span data-testid="push-summary">No changes: the repository already holds this workspace.</span>
        ) : (
          <span data-testid="push-summary">
            {summary.added} added, {summary.modified} modified, {summary.deleted} deleted; {formatBytes(preview.bytes_to_upload)} to send of{" "}
            {formatBytes(preview.total_bytes)}.
          </span>
        )}
      </p>
      {preview.changes.length > 0 ? (
        <table className="w-full text-left text-xs" data-testid="push-diff">
          <thead className="text-stone-500">
            <tr>
              <th className="py-1 font-medium">Change</th>
              <th className="py-1 font-medium">File</th>
              <th className="py-1 text-right font-medium">Size</th>
              <th className="py-1 text-right font-medium">To send</th>
            </tr>
          </thead>
          <tbody>
            {preview.changes.map((c) => (
              <tr key={c.path} data-change={c.change} data-path={c.path} className="border-t border-stone-100">
                <td className={`py-1 font-mono ${CHANGE_COLOR[c.change]}`}>
                  {CHANGE_SIGN[c.change]} {c.change}
                </td>
                <td className="py-1 font-mono">{c.path}</td>
                <td className="py-1 text-right">{c.change === "deleted" ? "" : formatBytes(c.size)}</td>
                <td className="py-1 text-right">{c.change === "deleted" ? "" : c.upload_bytes === 0 ? "already on the Hub" : formatBytes(c.upload_bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {preview.excluded_files.length > 0 ? (
        <p className="text-xs text-stone-500">Not pushed: {preview.excluded_files.map((e) => `${e.path} (${e.reason})`).join(", ")}.</p>
      ) : null}
      <div data-testid="push-health" data-verdict={preview.health.would_refuse ? "refused" : "ok"} className="text-sm">
        {preview.health.would_refuse ? (
          <div className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3 text-red-900">
            <p className="font-medium">The health check refuses this push: {preview.health.reason}</p>
            <ul className="list-disc pl-5">
              {preview.health.blocking.map((f) => (
                <li key={f.id}>
                  {f.message} <span className="text-red-700">{f.hint}</span>
                </li>
              ))}
            </ul>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={force} onChange={(e) => onForce(e.target.checked)} /> Push anyway (the commit message will say it was forced)
            </label>
            {failure ? <p role="alert">{failure.message}</p> : null}
          </div>
        ) : (
          <p className="text-emerald-800">Health check passed: {preview.health.reason}.</p>
        )}
      </div>
    </div>
  );
}
