import { TOKENIZER_CORPUS } from "./corpus";

/** GPT-2's reversible byte → printable character table used by byte-level BPE. */
export function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  }
  return table;
}

const PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export const SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] as const;

export const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface TokenizerFiles {
  "tokenizer.json": unknown;
  "tokenizer_config.json": unknown;
  vocabSize: number;
  eosTokenId: number;
  bosTokenId: number;
}

/**
 * Trains a byte-level BPE tokenizer on the built-in corpus, deterministically
 * (ties broken by the pair's text), and returns the two files Hugging Face's
 * fast tokenizer loads: `tokenizer.json` and `tokenizer_config.json`.
 */
export function buildTokenizer(merges = 256): TokenizerFiles {
  const bytes = byteToUnicode();
  const encoder = new TextEncoder();
  const words = new Map<string, number>();
  for (const piece of TOKENIZER_CORPUS.match(PRETOKENIZE) ?? []) {
    const mapped = Array.from(encoder.encode(piece), (b) => bytes[b]).join("");
    words.set(mapped, (words.get(mapped) ?? 0) + 1);
  }
  let splits = [...words.entries()].map(([word, count]) => ({ symbols: [...word], count }));

  const vocab = new Map<string, number>();
  bytes.forEach((ch) => vocab.set(ch, vocab.size));
  const mergeList: [string, string][] = [];

  for (let m = 0; m < merges; m++) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of splits) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, count] of pairs) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split(" ") as [string, string];
    const merged = left + right;
    mergeList.push([left, right]);
    if (!vocab.has(merged)) vocab.set(merged, vocab.size);
    splits = splits.map(({ symbols, count }) => {
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
          out.push(merged);
          i++;
        } else out.push(symbols[i] as string);
      }
      return { symbols: out, count };
    });
  }

  const specialIds = SPECIAL_TOKENS.map((_, i) => vocab.size + i);
  const addedTokens = SPECIAL_TOKENS.map((content, i) => ({
    id: specialIds[i],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges: mergeList,
    },
  };
  const [endOfText, , imEnd] = specialIds as [number, number, number];
  const tokenizerConfig = {
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      addedTokens.map(({ id, ...rest }) => [String(id), rest]),
    ),
    bos_token: null,
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: "<|im_end|>",
    model_max_length: 2048,
    pad_token: "<|endoftext|>",
    tokenizer_class: "PreTrainedTokenizerFast",
  };
  return {
    "tokenizer.json": tokenizerJson,
    "tokenizer_config.json": tokenizerConfig,
    vocabSize: vocab.size + SPECIAL_TOKENS.length,
    eosTokenId: imEnd,
    bosTokenId: endOfText,
  };
}
