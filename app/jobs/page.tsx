"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { JobCard } from "../_components/job-progress";
import { useTRPC } from "../_trpc/client";

const KINDS = [
  ["", "All kinds"],
  ["pull", "Pulls"],
  ["clone", "Clones"],
  ["fix", "Repairs (wizard)"],
  ["repair", "Repairs"],
  ["convert-weights", "Quantize and dtype"],
  ["verify-load", "Load checks"],
  ["push", "Pushes"],
] as const;
const STATES = [
  ["", "Any state"],
  ["running", "Running"],
  ["queued", "Queued"],
  ["paused", "Paused"],
  ["succeeded", "Succeeded"],
  ["failed", "Failed"],
  ["interrupted", "Interrupted"],
  ["cancelled", "Cancelled"],
] as const;

type State = Exclude<(typeof STATES)[number][0], "">;

/** Every job, newest first, kept across restarts; filtered by kind and state. */
export default function JobsPage() {
  const trpc = useTRPC();
  const [kind, setKind] = useState("");
  const [state, setState] = useState<State | "">("");
  const jobs = useQuery(
    trpc.operations.list.queryOptions({ limit: 100, ...(kind ? { kinds: [kind] } : {}), ...(state ? { states: [state] } : {}) }, { refetchInterval: 1_000 }),
  );
  const select = "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm";
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Jobs</h1>
      <div className="flex flex-wrap gap-3">
        <label className="flex items-center gap-2 text-sm">
          Kind
          <select className={select} value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2 text-sm">
          State
          <select className={select} value={state} onChange={(e) => setState(e.target.value as State | "")}>
            {STATES.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </label>
      </div>
      {jobs.data?.length === 0 ? <p className="text-sm text-stone-600">{kind || state ? "No jobs match." : "No jobs yet."}</p> : null}
      {jobs.data?.map((job) => (
        <JobCard key={job.id} job={job} />
      ))}
    </div>
  );
}
