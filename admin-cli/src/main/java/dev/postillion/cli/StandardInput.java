package dev.postillion.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What a command reads from standard input: a password, or queue ids from a pipe. */
final class StandardInput {

    private StandardInput() {}

    /** Every line, as it is; a usage error when there is none. */
    static List<String> lines(String what) {
        List<String> lines = new ArrayList<>();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new CommandFailure(ExitCode.USAGE, "cannot read " + what + " from standard input");
        }
        if (lines.isEmpty()) {
            throw new CommandFailure(ExitCode.USAGE, "no " + what + " on standard input");
        }
        return lines;
    }
}
