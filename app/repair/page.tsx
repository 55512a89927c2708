"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { ErrorBox } from "../_components/error-box";
import { JobProgress } from "../_components/job-progress";
import { useTRPC } from "../_trpc/client";
import { field, primary, WizardStep } from "./_components/wizard-step";

const diagnose = (spec: string) => `/repair/diagnose?model=${encodeURIComponent(spec)}`;

/** Step 1: which model. A Hub repo is fetched into the cache first, as a download job. */
function Choose() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const pullJob = params.get("pull");
  const models = useQuery(trpc.models.list.queryOptions());
  const [repo, setRepo] = useState(params.get("repo") ?? "");
  const [folder, setFolder] = useState("");
  const pull = useMutation(trpc.operations.start.mutationOptions({ onSuccess: (job) => router.replace(`/repair?pull=${job.id}&repo=${encodeURIComponent(repo.trim())}`) }));
  const cached = models.data?.filter((m) => m.kind === "cache") ?? [];
  const workspaces = models.data?.filter((m) => m.kind === "workspace") ?? [];
  const pick = (e: FormEvent<HTMLFormElement>, name: string) => {
    e.preventDefault();
    const value = new FormData(e.currentTarget).get(name);
    if (typeof value === "string" && value) router.push(diagnose(value));
  };
  return (
    <WizardStep step="choose" title="Which model do you want to fix?">
      <section className="space-y-2" aria-labelledby="from-hub">
        <h2 id="from-hub" className="font-medium">A model on the Hugging Face Hub</h2>
        <form
          className="flex flex-wrap gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            pull.mutate({ kind: "pull", repo: repo.trim() });
          }}
        >
          <label htmlFor="hub-repo" className="sr-only">Hub repository</label>
          <input id="hub-repo" className={`${field} sm:w-96`} value={repo} onChange={(e) => setRepo(e.target.value)} placeholder="org/name, for example mlx-community/Llama-3.2-1B-Instruct-4bit" />
          <button type="submit" className={primary} disabled={!repo.trim() || pull.isPending}>
            Fetch and diagnose
          </button>
        </form>
        <ErrorBox error={pull.error} />
        {pullJob ? <JobProgress id={pullJob} onFinished={(job) => job.kind === "pull" && router.push(diagnose(job.result?.repoId ?? repo))} /> : null}
      </section>

      <section className="space-y-2" aria-labelledby="from-cache">
        <h2 id="from-cache" className="font-medium">A model in the Hugging Face cache</h2>
        {cached.length === 0 ? <p className="text-sm text-stone-600 dark:text-stone-400">The cache has no models.</p> : (
          <form className="flex flex-wrap gap-2" onSubmit={(e) => pick(e, "cached")}>
            <label htmlFor="cached" className="sr-only">Cached model</label>
            <select id="cached" name="cached" className={`${field} sm:w-96`}>
              {cached.map((m) => (
                <option key={m.path} value={m.model.name}>{m.model.name}{m.findings.length ? ` (${m.findings.length} problem${m.findings.length === 1 ? "" : "s"})` : ""}</option>
              ))}
            </select>
            <button type="submit" className={primary}>Diagnose</button>
          </form>
        )}
      </section>

      <section className="space-y-2" aria-labelledby="from-workspace">
        <h2 id="from-workspace" className="font-medium">A workspace</h2>
        {workspaces.length === 0 ? <p className="text-sm text-stone-600 dark:text-stone-400">There are no workspaces yet.</p> : (
          <form className="flex flex-wrap gap-2" onSubmit={(e) => pick(e, "workspace")}>
            <label htmlFor="workspace" className="sr-only">Workspace</label>
            <select id="workspace" name="workspace" className={`${field} sm:w-96`}>
              {workspaces.map((m) => (
                <option key={m.path} value={m.model.display_name ?? m.model.name}>{m.model.display_name ?? m.model.name}{m.findings.length ? ` (${m.findings.length} problem${m.findings.length === 1 ? "" : "s"})` : ""}</option>
              ))}
            </select>
            <button type="submit" className={primary}>Diagnose</button>
          </form>
        )}
      </section>

      <section className="space-y-2" aria-labelledby="from-folder">
        <h2 id="from-folder" className="font-medium">A folder on the machine Whetstone runs on</h2>
        <form
          className="flex flex-wrap gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (folder.trim()) router.push(diagnose(folder.trim()));
          }}
        >
          <label htmlFor="folder" className="sr-only">Folder path</label>
          <input id="folder" className={`${field} sm:w-96`} value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/model (the folder with config.json)" />
          <button type="submit" className={primary} disabled={!folder.trim()}>Diagnose</button>
        </form>
      </section>
    </WizardStep>
  );
}

export default function RepairChoosePage() {
  return (
    <Suspense>
      <Choose />
    </Suspense>
  );
}
