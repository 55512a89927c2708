"use client";

import type { GenerationParams } from "../../../lib/runner/generation-params";

export interface ChatSettings {
  system: string;
  params: GenerationParams;
}

function numberOrNull(value: string): number | null {
  return value.trim() === "" ? null : Number(value);
}

function Field({ label, hint, children }: { label: string; hint?: string; children: React.ReactNode }) {
  return (
    <label className="block text-xs text-stone-600">
      <span className="font-medium">{label}</span>
      {hint ? <span className="ml-1 text-stone-400">{hint}</span> : null}
      <div className="mt-1">{children}</div>
    </label>
  );
}

const input = "w-full rounded-md border border-stone-300 px-2 py-1 text-sm";

/** System prompt and sampling settings; they apply to the conversation from the next message on. */
export function SettingsPanel({ value, onChange }: { value: ChatSettings; onChange: (next: ChatSettings) => void }) {
  const p = value.params;
  const set = (changes: Partial<GenerationParams>) => onChange({ ...value, params: { ...p, ...changes } });
  return (
    <div className="space-y-3" data-testid="settings-panel">
      <Field label="System prompt">
        <textarea aria-label="System prompt" className={`${input} h-20`} value={value.system} onChange={(e) => onChange({ ...value, system: e.target.value })} />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Temperature" hint="0 = greedy">
          <input aria-label="Temperature" type="number" min={0} max={2} step={0.1} className={input} value={p.temperature} onChange={(e) => set({ temperature: Number(e.target.value) })} />
        </Field>
        <Field label="Top p">
          <input aria-label="Top p" type="number" min={0.01} max={1} step={0.05} className={input} value={p.topP} onChange={(e) => set({ topP: Number(e.target.value) })} />
        </Field>
        <Field label="Max tokens" hint="blank = what the context leaves, at most 32,768">
          <input aria-label="Max tokens" type="number" min={1} className={input} value={p.maxTokens ?? ""} onChange={(e) => set({ maxTokens: numberOrNull(e.target.value) })} />
        </Field>
        <Field label="Repetition penalty" hint="blank = off">
          <input aria-label="Repetition penalty" type="number" min={0.5} max={2} step={0.05} className={input} value={p.repetitionPenalty ?? ""} onChange={(e) => set({ repetitionPenalty: numberOrNull(e.target.value) })} />
        </Field>
        <Field label="Seed" hint="blank = random">
          <input aria-label="Seed" type="number" min={0} className={input} value={p.seed ?? ""} onChange={(e) => set({ seed: numberOrNull(e.target.value) })} />
        </Field>
        <Field label="Stop strings" hint="one per line">
          <textarea aria-label="Stop strings" className={`${input} h-14`} value={p.stop.join("\n")} onChange={(e) => set({ stop: e.target.value.split("\n").filter((s) => s !== "") })} />
        </Field>
      </div>
    </div>
  );
}
