import type { NextConfig } from "next";

const config: NextConfig = {
  // execa and the Hub client run in Node only; leave them out of the server bundle.
  serverExternalPackages: ["execa"],
  poweredByHeader: false,
  devIndicators: false,
};

export default config;
