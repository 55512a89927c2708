import { getServices } from "./services";

/*
 * At server start, not at the first request: the services are made now, so
 * downloads interrupted by a restart resume on their own; on SIGTERM and
 * SIGINT they are closed (resumable jobs queued for the next start, runners
 * stopped) before the process exits.
 */
const services = getServices();
const stop = () => {
  void services.close().finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
