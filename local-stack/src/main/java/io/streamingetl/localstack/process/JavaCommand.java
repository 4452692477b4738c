package io.streamingetl.localstack.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM that runs one of the stack's Java servers. */
public final class JavaCommand {
    private JavaCommand() {
    }

    /**
     * @param classpath the child's class path; the local-stack jar and its dependencies
     * @param heap      e.g. "512m"
     */
    public static List<String> of(String classpath, String heap, List<String> jvmOptions, String mainClass,
                                  List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        if (!selectsCollector(jvmOptions)) {
            cmd.add("-XX:+UseSerialGC"); // small footprint: several of these JVMs share 2 cores
        }
        cmd.add("-Djava.awt.headless=true");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Whether the options choose a garbage collector (-XX:+UseParallelGC, ...): then no default is added. */
    public static boolean selectsCollector(List<String> jvmOptions) {
        return jvmOptions.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"));
    }

    /** The class path of this JVM, which holds local-stack and everything it needs. */
    public static String currentClasspath() {
        return System.getProperty("java.class.path");
    }
}
