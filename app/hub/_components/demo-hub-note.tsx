/** Said wherever Hub data is shown while the app talks to its demo hub, so nobody mistakes it for huggingface.co. */
export function DemoHubNote() {
  return (
    <p role="note" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="demo-hub-note">
      This is Whetstone&apos;s built-in demo hub (<code>npm start -- --demo</code>): small generated models, healthy and broken, to try every flow offline.
      Nothing here comes from huggingface.co.
    </p>
  );
}
