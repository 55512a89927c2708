/**
 * Sent with every page and API answer: no other site may show Whetstone in a
 * frame (clickjacking a Delete or Convert button). The old header for old
 * browsers, the CSP directive for the rest.
 */
export const FRAME_HEADERS: Readonly<Record<string, string>> = {
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": "frame-ancestors 'none'",
};
