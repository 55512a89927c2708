import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Tracks every socket `server` accepts and returns what destroys them all:
 * `close()` waits for each to end, and Node's own closeAllConnections() only
 * reaches those its HTTP layer tracks.
 */
export function closeEverySocket(server: Server): () => void {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return () => {
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  };
}
