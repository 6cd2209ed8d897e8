package dev.postillion.mta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of {@code postillion ...} in-process, as {@link Main} runs it, with what it printed and
 * its exit status.
 */
record CommandLineRun(int exit, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static CommandLineRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        return new CommandLineRun(exit, out.toString(), err.toString());
    }

    /** A run against the node, with its URL and token after the arguments. */
    static CommandLineRun against(TestNode node, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "http://127.0.0.1:" + node.node().adminPort(), "--token", TestNode.TOKEN));
        return run(all.toArray(String[]::new));
    }

    /** What it printed, as JSON. */
    JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + out, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nout:\n" + out + "err:\n" + err;
    }
}
