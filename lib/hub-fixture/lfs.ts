/**
 * Which files the fixture stores in LFS, and the pointer git keeps for them.
 * Mirrors the `.gitattributes` every new Hub repo starts with (weights
 * formats) plus the Hub's rule that anything over 10 MB must be LFS.
 */
const LFS_EXTENSIONS = [".safetensors", ".npz", ".bin", ".gguf"];
export const LFS_SIZE_THRESHOLD = 10 * 1024 * 1024;

export function isLfsFile(path: string, size: number): boolean {
  const lower = path.toLowerCase();
  return size > LFS_SIZE_THRESHOLD || LFS_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** The git-lfs spec v1 pointer text; its git blob is what the repo's tree holds. */
export function lfsPointer(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}
