// Team mode (`npm start -- --lan`): the built Next app behind Whetstone's own front (TLS, client addresses, first-admin setup).
import next from "next";
import { getConfig } from "../lib/config";
import { getServices } from "../server/services";
import { startTeamServer } from "../server/team/team-server";

const config = getConfig();
if (config.access.mode !== "team") {
  console.error("serve-team: WHET_MODE is not team.\n  Start team mode with `npm start -- --lan`.");
  process.exit(2);
}
const app = next({ dev: false, dir: config.projectRoot, hostname: config.access.host, port: config.access.port });
await app.prepare();
const handle = app.getRequestHandler();
const server = await startTeamServer(config, getServices(), (req, res) => handle(req, res));
for (const line of server.lines) console.log(`[team] ${line}`);
