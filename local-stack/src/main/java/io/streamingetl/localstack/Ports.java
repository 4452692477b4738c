package io.streamingetl.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Port helpers: free ports for tests, and a clear error for a port someone else holds. */
public final class Ports {
    private Ports() {
    }

    /** Below Linux's ephemeral range (32768-60999), so no outgoing connection takes it before it is bound. */
    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port that is free now and was not handed out before in this JVM. A port the kernel picks
     * (bind to 0) lies in the ephemeral range and was, in CI, taken by an outgoing connection
     * between this call and the component's bind ("Address already in use").
     */
    public static int free() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = random.nextInt(FIRST, LAST + 1);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException taken) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free port in " + FIRST + "-" + LAST));
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails at once, naming the port and what wanted it, instead of a component hanging on bind. */
    public static void requireFree(int port, String component) {
        if (isListening(port)) {
            throw new IllegalStateException(component + ": port " + port
                    + " on 127.0.0.1 is already in use by another process; stop it or choose another port");
        }
    }
}
