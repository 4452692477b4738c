package io.streamingetl.localstack.kafka;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the child JVMs that run Kafka and the Connect worker, through the same mains
 * users run ({@code kafka-server-start.sh}, {@code connect-distributed.sh}).
 *
 * <pre>
 * Launch kafka   server.properties [--exit-on-stdin-eof]
 * Launch connect worker.properties [--exit-on-stdin-eof]
 * </pre>
 */
public final class Launch {
    /** One single-node cluster per data dir, so a fixed id is enough. */
    private static final String CLUSTER_ID = "c2xvY2FsLXN0YWNrLWthZg";

    private Launch() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launch kafka|connect PROPERTIES_FILE [--exit-on-stdin-eof]");
            System.exit(2);
        }
        List<String> rest = Arrays.asList(args).subList(2, args.length);
        if (rest.contains("--exit-on-stdin-eof")) {
            exitWhenParentGoes();
        }
        switch (args[0]) {
            case "kafka" -> {
                formatStorageOnce(Path.of(args[1]));
                kafka.Kafka.main(new String[] {args[1]});
            }
            case "connect" -> org.apache.kafka.connect.cli.ConnectDistributed.main(new String[] {args[1]});
            default -> {
                System.err.println("unknown component " + args[0]);
                System.exit(2);
            }
        }
    }

    /** Our stdin is a pipe from the parent JVM; when it closes the parent is gone, and so are we. */
    private static void exitWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // keep reading until EOF
                }
            } catch (Exception ignored) {
                // a broken pipe means the same as EOF
            }
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(15_000);
                } catch (InterruptedException ignored) {
                    // fall through to halt
                }
                Runtime.getRuntime().halt(1);
            });
            killer.setDaemon(true);
            killer.start();
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** {@code kafka-storage.sh format}, skipped when the log dirs are already formatted. */
    private static void formatStorageOnce(Path serverProperties) throws Exception {
        int code = kafka.tools.StorageTool.execute(new String[] {"format", "--cluster-id", CLUSTER_ID,
                "--config", serverProperties.toString(), "--ignore-formatted"}, new PrintStream(System.out, true,
                StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("kafka storage format failed with " + code);
        }
    }
}
