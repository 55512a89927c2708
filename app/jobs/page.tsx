"use client";

import { useQuery } from "@tanstack/react-query";
import { JobCard } from "../_components/job-progress";
import { useTRPC } from "../_trpc/client";

export default function JobsPage() {
  const trpc = useTRPC();
  const jobs = useQuery(trpc.operations.list.queryOptions({ limit: 100 }, { refetchInterval: 1_000 }));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Jobs</h1>
      {jobs.data?.length === 0 ? <p className="text-sm text-stone-600">No jobs yet.</p> : null}
      {jobs.data?.map((job) => (
        <JobCard key={job.id} job={job} />
      ))}
    </div>
  );
}
