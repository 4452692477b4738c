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

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
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
