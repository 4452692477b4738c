package io.streamingetl.localstack.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A part of a README that a test generates, between {@code <!-- name:begin ... -->} and
 * {@code <!-- name:end -->}: the test compares it with what it renders and, with
 * {@code -Dreadme.write=true}, rewrites it, so the text cannot drift from what it describes.
 */
public record GeneratedSection(String begin, String end) {
    public static GeneratedSection named(String name, String source) {
        return new GeneratedSection("<!-- " + name + ":begin (generated from " + source
                + "; run the tests with -Dreadme.write=true) -->", "<!-- " + name + ":end -->");
    }

    /** The README's current section, or null if it has no markers. */
    public String read(Path readme) {
        String text = readFile(readme);
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        return b < 0 || e < b ? null : text.substring(b + begin.length(), e);
    }

    /** Writes {@code markdown} between the markers. */
    public void write(Path readme, String markdown) {
        String text = readFile(readme);
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalStateException(readme + " has no " + begin + " ... " + end + " section");
        }
        try {
            Files.writeString(readme, text.substring(0, b + begin.length()) + markdown + "\n" + text.substring(e),
                    StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String readFile(Path readme) {
        try {
            return Files.readString(readme, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
