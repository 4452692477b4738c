package io.streamingetl.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between the sink and ClickHouse's HTTP port that injects the faults a network and a
 * busy server produce. The mode is read at every chunk of every connection, so it also hits the
 * client's pooled keep-alive connections:
 * <ul>
 *   <li>{@link Mode#REFUSE}: new connections are closed at once, open ones are cut;</li>
 *   <li>{@link Mode#DROP_RESPONSE}: requests reach ClickHouse, which executes them, but the response
 *       is thrown away and the connection cut: the insert landed, the client sees a failure;</li>
 *   <li>{@link Mode#STALL}: requests are swallowed and nothing comes back until the client's socket
 *       timeout gives up.</li>
 * </ul>
 * Each mode counts the connections it hit.
 */
final class FaultProxy implements AutoCloseable {
    enum Mode { PASS, REFUSE, DROP_RESPONSE, STALL }

    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Map<Mode, AtomicLong> injected = new EnumMap<>(Mode.class);
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        for (Mode m : Mode.values()) {
            injected.put(m, new AtomicLong());
        }
        Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    Map<Mode, Long> injected() {
        Map<Mode, Long> out = new EnumMap<>(Mode.class);
        injected.forEach((k, v) -> out.put(k, v.get()));
        out.remove(Mode.PASS);
        return out;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.REFUSE) {
                injected.get(Mode.REFUSE).incrementAndGet();
                quietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                quietly(client); // ClickHouse itself is down: the client sees a refused/cut connection
            }
        }
    }

    /** Copies {@code from} to {@code to}, applying the mode at every chunk. */
    private void pump(Socket from, Socket to, boolean request) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            boolean hit = false;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    Mode m = mode;
                    if (m == Mode.REFUSE) {
                        injected.get(m).incrementAndGet();
                        break;
                    }
                    if (request && (m == Mode.STALL || hit)) {
                        if (!hit) {
                            injected.get(Mode.STALL).incrementAndGet();
                            hit = true;
                        }
                        // Swallowed, and the connection stays stalled even when the mode changes back: TCP
                        // never loses bytes in the middle of a stream, so neither may this proxy.
                        continue;
                    }
                    if (!request && m == Mode.DROP_RESPONSE) {
                        injected.get(m).incrementAndGet();
                        break; // the server answered, so the request was executed; the answer is lost
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side went away
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "fault-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.remove(s);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            quietly(s);
        }
    }
}
