"""Drive Python huggingface_hub against HF_ENDPOINT for Whetstone's interop tests.

Each subcommand does one client call and prints one JSON object on stdout.
A Hub error is printed as {"error": {"type", "classes", "message"}} (classes:
the exception's class and its bases, as names) with exit status 3, so the
tests can assert on what the client raised across versions that subclass it.
"""

import argparse
import json
import sys

from huggingface_hub import HfApi, hf_hub_download, scan_cache_dir, snapshot_download


def snapshot(args):
    return {"path": snapshot_download(args.repo, revision=args.revision)}


def download(args):
    return {"path": hf_hub_download(args.repo, args.filename, revision=args.revision)}


def scan(_args):
    info = scan_cache_dir()
    return {
        "warnings": [str(w) for w in info.warnings],
        "repos": [
            {
                "repo_id": repo.repo_id,
                "repo_type": repo.repo_type,
                "nb_files": repo.nb_files,
                "revisions": sorted(
                    (
                        {
                            "commit_hash": rev.commit_hash,
                            "refs": sorted(rev.refs),
                            "files": sorted(f.file_name for f in rev.files),
                        }
                        for rev in repo.revisions
                    ),
                    key=lambda rev: rev["commit_hash"],
                ),
            }
            for repo in info.repos
        ],
    }


def list_models(args):
    models = HfApi().list_models(search=args.search, author=args.author, sort=args.sort, limit=args.limit)
    return {
        "models": [
            {"id": m.id, "downloads": m.downloads, "likes": m.likes, "tags": m.tags, "library_name": m.library_name}
            for m in models
        ]
    }


def model_info(args):
    info = HfApi().model_info(args.repo, revision=args.revision, files_metadata=True)
    return {
        "id": info.id,
        "sha": info.sha,
        "private": info.private,
        "pipeline_tag": info.pipeline_tag,
        "last_modified": info.last_modified.isoformat() if info.last_modified else None,
        "license": info.card_data.license if info.card_data else None,
        "siblings": [
            {"rfilename": s.rfilename, "size": s.size, "blob_id": s.blob_id, "lfs_sha256": s.lfs.sha256 if s.lfs else None}
            for s in info.siblings or []
        ],
    }


def create_repo(args):
    url = HfApi().create_repo(args.repo, private=args.private, exist_ok=args.exist_ok)
    return {"url": str(url), "repo_id": url.repo_id}


def upload_folder(args):
    info = HfApi().upload_folder(
        repo_id=args.repo, folder_path=args.folder, revision=args.revision, commit_message=args.message
    )
    return {"oid": info.oid, "commit_url": info.commit_url}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    command = commands.add_parser("snapshot-download")
    command.add_argument("--repo", required=True)
    command.add_argument("--revision")
    command.set_defaults(run=snapshot)

    command = commands.add_parser("hf-hub-download")
    command.add_argument("--repo", required=True)
    command.add_argument("--filename", required=True)
    command.add_argument("--revision")
    command.set_defaults(run=download)

    command = commands.add_parser("scan-cache")
    command.set_defaults(run=scan)

    command = commands.add_parser("list-models")
    command.add_argument("--search")
    command.add_argument("--author")
    command.add_argument("--sort")
    command.add_argument("--limit", type=int)
    command.set_defaults(run=list_models)

    command = commands.add_parser("model-info")
    command.add_argument("--repo", required=True)
    command.add_argument("--revision")
    command.set_defaults(run=model_info)

    command = commands.add_parser("create-repo")
    command.add_argument("--repo", required=True)
    command.add_argument("--private", action="store_true")
    command.add_argument("--exist-ok", action="store_true")
    command.set_defaults(run=create_repo)

    command = commands.add_parser("upload-folder")
    command.add_argument("--repo", required=True)
    command.add_argument("--folder", required=True)
    command.add_argument("--revision")
    command.add_argument("--message", default="Upload folder")
    command.set_defaults(run=upload_folder)

    args = parser.parse_args()
    try:
        result = args.run(args)
    except Exception as error:  # the tests assert on the class the client raised
        classes = [cls.__name__ for cls in type(error).__mro__]
        print(json.dumps({"error": {"type": type(error).__name__, "classes": classes, "message": str(error)}}))
        sys.exit(3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
