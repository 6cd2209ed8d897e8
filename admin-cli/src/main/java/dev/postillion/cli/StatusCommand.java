package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code postillion status}: the node's health, the cluster's members and the node's queue. A node
 * that answers but does not accept mail ends the command with {@link ExitCode#UNAVAILABLE}, so
 * that a check can rely on the status alone.
 */
@Command(name = "status", description = "The node's health, the cluster's members and the node's queue by state;"
        + " exits with 3 when the node does not accept mail.")
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    private NodeOptions node;

    @Override
    public Integer call() {
        JsonNode status = node.client().get("/api/v1/status");
        if (node.json()) {
            node.print(status);
        } else {
            print(status, node.out());
        }
        return status.get("health").get("status").asText().equals("accepting") ? ExitCode.OK : ExitCode.UNAVAILABLE;
    }

    private static void print(JsonNode status, PrintWriter out) {
        JsonNode health = status.get("health");
        StringJoiner details = new StringJoiner(", ", " (", ")").setEmptyValue("");
        health.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("status")) {
                details.add(field.getKey() + " " + field.getValue().asText());
            }
        });
        out.println("Health:  " + health.get("status").asText() + details);
        JsonNode queue = status.get("queue");
        out.println("Queue:   " + queue.get("active").asLong() + " active, " + queue.get("deferred").asLong()
                + " deferred, " + queue.get("hold").asLong() + " hold");
        out.println();
        Table members = new Table("MEMBER", "ADDRESS", "STATUS", "REACHABLE", "");
        for (JsonNode member : status.get("members")) {
            members.row(member.get("name").asText(), member.get("address").asText(), member.get("status").asText(),
                    member.get("reachable").asBoolean() ? "yes" : "no", member.get("self").asBoolean() ? "(this node)" : "");
        }
        members.print(out);
    }
}
