"""Fetches some files of a Hub repository into this host's HF cache; prints the snapshot folder as one JSON line.

Run over ssh by lib/distributed/fetch-rank-shards.ts for a pipeline rank on
another host, as `ssh HOST PYTHON -c SCRIPT` (the host need not have this
file) with one line of JSON on stdin: {"repo", "revision", "allow_patterns",
"endpoint", "token"}. The token travels on stdin, never on a command line.
huggingface_hub lays the cache out as Whetstone's own pull does, and reads
HF_ENDPOINT and HF_TOKEN when imported, so both are set first.
"""
import json
import os
import sys


def main():
    args = json.loads(sys.stdin.readline())
    if args.get("endpoint"):
        os.environ["HF_ENDPOINT"] = args["endpoint"]
    if args.get("token"):
        os.environ["HF_TOKEN"] = args["token"]
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    # Hours of progress bars on stderr would fill the buffer the ssh caller keeps.
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    os.environ.pop("HF_HUB_OFFLINE", None)
    from huggingface_hub import snapshot_download

    path = snapshot_download(args["repo"], revision=args["revision"], allow_patterns=args["allow_patterns"])
    print(json.dumps({"path": path}))


if __name__ == "__main__":
    main()
