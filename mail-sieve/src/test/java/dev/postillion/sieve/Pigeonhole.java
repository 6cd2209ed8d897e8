package dev.postillion.sieve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Dovecot Pigeonhole's {@code sieve-test} (Debian's dovecot-sieve), the independent implementation
 * the differential test compares with: one process per script and message, in a directory of its
 * own with a minimal Dovecot configuration; its report of the actions it would take is read into
 * the same normal form as ours ({@link #normal}).
 */
final class Pigeonhole {

    static final Path SIEVE_TEST = Path.of("/usr/bin/sieve-test");

    private final Path directory;
    private final Path config;

    /** Set up in {@code directory}; as root, sieve-test must drop to an unprivileged user to run. */
    Pigeonhole(Path directory) throws IOException {
        this.directory = directory;
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        boolean root = "root".equals(System.getProperty("user.name"));
        config = directory.resolve("dovecot.conf");
        Files.writeString(config, (root ? "mail_uid = nobody\nmail_gid = nogroup\n" : "")
                + "first_valid_uid = 1\nfirst_valid_gid = 1\nprotocols =\n"
                + "mail_location = maildir:" + directory.resolve("mail") + "\n");
    }

    /** What sieve-test says: "refused" for a script it does not compile, "failed" for a run error, else the actions. */
    String run(int id, String script, String message, String envelopeFrom, String envelopeTo)
            throws IOException, InterruptedException {
        Path scriptFile = directory.resolve("case" + id + ".sieve");
        Path messageFile = directory.resolve("case" + id + ".eml");
        Files.writeString(scriptFile, script, StandardCharsets.UTF_8);
        Files.writeString(messageFile, message, StandardCharsets.UTF_8);
        for (Path file : List.of(scriptFile, messageFile)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        Process process = new ProcessBuilder(SIEVE_TEST.toString(), "-c", config.toString(), "-C", "-f", envelopeFrom,
                "-a", envelopeTo, scriptFile.toString(), messageFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("sieve-test did not finish for case " + id);
        }
        Files.deleteIfExists(scriptFile);
        Files.deleteIfExists(messageFile);
        if (output.contains("failed to compile sieve script")) {
            return "refused";
        }
        if (!output.contains("Performed actions:")) {
            return "failed";
        }
        return actions(output);
    }

    private static String actions(String output) throws IOException {
        List<String> actions = new ArrayList<>();
        for (String line : output.split("\n")) {
            String text = line.strip();
            if (text.startsWith("* store message in folder:")) {
                actions.add(filing(text.substring("* store message in folder:".length()).strip(), ""));
            } else if (text.startsWith("+ add IMAP flags: ")) {
                String last = actions.remove(actions.size() - 1);
                actions.add(last + flags(List.of(text.substring("+ add IMAP flags: ".length()).split(" "))));
            } else if (text.startsWith("* redirect message to: <")) {
                actions.add("redirect " + text.substring("* redirect message to: <".length(), text.length() - 1));
            } else if (text.equals("* discard")) {
                actions.add("discard");
            } else if (text.startsWith("*")) {
                throw new IOException("unknown sieve-test action: " + text);
            }
        }
        return sorted(actions);
    }

    private static String filing(String folder, String flags) {
        return (folder.equalsIgnoreCase("INBOX") ? "keep" : "fileinto " + folder) + flags;
    }

    /** Flags sorted and lower-cased: IMAP flags are case-insensitive (RFC 3501 s2.3.2). */
    private static String flags(Iterable<String> flags) {
        TreeSet<String> sorted = new TreeSet<>();
        for (String flag : flags) {
            sorted.add(flag.toLowerCase(Locale.ROOT));
        }
        return sorted.isEmpty() ? "" : " " + sorted;
    }

    /** Our actions in the same form. */
    static String normal(List<SieveAction> actions) {
        List<String> texts = new ArrayList<>();
        for (SieveAction action : actions) {
            if (action instanceof SieveAction.Keep keep) {
                texts.add(filing("INBOX", flags(keep.flags())));
            } else if (action instanceof SieveAction.FileInto fileInto) {
                texts.add(filing(fileInto.folder(), flags(fileInto.flags())));
            } else if (action instanceof SieveAction.Redirect redirect) {
                texts.add("redirect " + redirect.address());
            } else {
                texts.add("discard");
            }
        }
        return sorted(texts);
    }

    /** Sorted; a discard beside other actions is dropped (RFC 5228 s4.4: discard only cancels the implicit keep). */
    private static String sorted(List<String> actions) {
        TreeSet<String> sorted = new TreeSet<>(actions);
        if (sorted.size() > 1) {
            sorted.remove("discard");
        }
        return String.join("; ", sorted);
    }
}
