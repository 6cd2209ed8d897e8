package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postillion queue}: the whole cluster's queue, as Postfix's mailq, postqueue and
 * postsuper show and change it; each operation on one message goes to the node that has it.
 */
@Command(name = "queue", description = "List the cluster's queued messages, look at one, and retry, hold, release,"
        + " delete or return it to its sender.", subcommands = QueueListCommand.class)
public final class QueueCommand {

    private static final String PATH = "/api/v1/queue";
    private static final String IDS = "queue ids; - reads them from standard input, one a line (as postsuper's -)";

    @Command(name = "show", description = "One message: its envelope, attempts and each recipient's last reply.")
    int show(@Mixin NodeOptions node, @Parameters(paramLabel = "ID", description = "the queue id") String id) {
        JsonNode message = node.client().get(message(id));
        if (node.json()) {
            node.print(message);
            return ExitCode.OK;
        }
        PrintWriter out = node.out();
        field(out, "Queue ID", message.get("id").asText());
        field(out, "State", message.get("state").asText());
        field(out, "Node", message.get("node").asText());
        field(out, "Sender", sender(message));
        field(out, "Arrival", message.get("arrival").asText());
        field(out, "Size", message.get("size").asText() + " bytes");
        field(out, "Attempts", message.get("attempts").asText());
        field(out, "Next attempt", Table.cell(message.path("nextAttempt")));
        out.println();
        Table recipients = new Table("RECIPIENT", "STATE", "ATTEMPTS", "LAST RESULT");
        for (JsonNode recipient : message.get("recipients")) {
            recipients.row(recipient.get("address").asText(), recipient.get("state").asText(),
                    recipient.get("attempts").asText(), Table.cell(recipient.path("lastResult")));
        }
        recipients.print(out);
        return ExitCode.OK;
    }

    @Command(name = "retry", description = "Attempt the messages now (postqueue -i).")
    int retry(@Mixin NodeOptions node, @Parameters(paramLabel = "ID", arity = "1..*", description = IDS) List<String> ids) {
        return each(node, ids, (client, id) -> client.post(message(id) + "/retry"), "will be attempted now");
    }

    @Command(name = "hold", description = "No attempts until released (postsuper -h).")
    int hold(@Mixin NodeOptions node, @Parameters(paramLabel = "ID", arity = "1..*", description = IDS) List<String> ids) {
        return each(node, ids, (client, id) -> client.post(message(id) + "/hold"), "is on hold");
    }

    @Command(name = "release", description = "Release held messages (postsuper -H).")
    int release(@Mixin NodeOptions node, @Parameters(paramLabel = "ID", arity = "1..*", description = IDS) List<String> ids) {
        return each(node, ids, (client, id) -> client.post(message(id) + "/release"), "is released");
    }

    @Command(name = "bounce", description = "Return the messages to their senders with a failure report.")
    int bounce(@Mixin NodeOptions node, @Parameters(paramLabel = "ID", arity = "1..*", description = IDS) List<String> ids) {
        return each(node, ids, (client, id) -> client.post(message(id) + "/bounce"), "is returned to its sender");
    }

    @Command(name = "delete", description = "Remove the messages silently (postsuper -d).")
    int delete(@Mixin NodeOptions node, @Parameters(paramLabel = "ID", arity = "1..*", description = IDS) List<String> ids) {
        return each(node, ids, (client, id) -> client.delete(message(id)), "is deleted");
    }

    @Command(name = "flush", description = "Attempt now every message not on hold, on every node (postqueue -f, -s).")
    int flush(@Mixin NodeOptions node,
            @Option(names = "--domain", paramLabel = "DOMAIN", description = "only messages with a recipient pending there")
            String domain) {
        JsonNode flushed = node.client().post(PATH + "/flush" + (domain == null ? "" : "?domain=" + AdminClient.segment(domain)));
        warnAboutSilentNodes(node, flushed.get("nodes"));
        long retried = flushed.get("retried").asLong();
        return node.changed(flushed, retried + (retried == 1 ? " message" : " messages") + " will be attempted now");
    }

    /**
     * The operation on each message in turn. A message refused (not queued, on hold), or one the
     * node could not change (its node does not answer: 503), is reported and the others are still
     * done, as postsuper does, ending with {@link ExitCode#REFUSED}, or {@link ExitCode#UNAVAILABLE}
     * if any could not be changed; a node that cannot be reached or a token refused ends the
     * command at once.
     */
    private static int each(NodeOptions node, List<String> ids, BiFunction<AdminClient, String, JsonNode> operation,
            String done) {
        AdminClient client = node.client();
        int status = ExitCode.OK;
        for (String id : ids.equals(List.of("-")) ? standardInput() : ids) {
            try {
                node.changed(operation.apply(client, id), "message " + id + " " + done);
            } catch (CommandFailure failure) {
                if (!failure.isAnswered() || failure.exitCode() == ExitCode.NOT_AUTHORIZED) {
                    throw failure;
                }
                node.refused(failure);
                status = status == ExitCode.UNAVAILABLE ? status : failure.exitCode();
            }
        }
        return status;
    }

    /** The queue ids of standard input, one a line, such as what {@code queue list --json | jq} selects. */
    private static List<String> standardInput() {
        return StandardInput.lines("queue ids").stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static String message(String id) {
        return PATH + "/" + AdminClient.segment(id);
    }

    /** A node that did not answer may have messages the answer lacks: say so, whatever the format. */
    static void warnAboutSilentNodes(NodeOptions node, JsonNode nodes) {
        for (JsonNode answer : nodes) {
            if (!answer.get("answered").asBoolean()) {
                node.err().println("warning: node " + answer.get("node").asText() + " did not answer ("
                        + answer.get("reason").asText() + "): its messages are not in this answer");
            }
        }
    }

    static String sender(JsonNode message) {
        String sender = message.get("sender").asText();
        return sender.isEmpty() ? "<>" : sender;
    }

    /** One line of a record shown by eye: its name, aligned, and its value. */
    static void field(PrintWriter out, String name, String value) {
        out.printf("%-14s%s%n", name + ":", value);
    }
}
