package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.StringJoiner;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postillion address import}: copying a mailbox from another IMAP server into an address,
 * as a job the node runs in the background, and the jobs' progress.
 */
@Command(name = "import", description = "Import a mailbox from another IMAP server, and follow the imports.")
public final class ImportCommand {

    @Command(name = "start", description = "Start copying every folder and message of an account on another IMAP"
            + " server into the address; a second import of the same account copies only what is new.")
    int start(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Option(names = "--host", paramLabel = "HOST", required = true, description = "the IMAP server") String host,
            @Option(names = "--port", paramLabel = "PORT",
                    description = "993 for implicit TLS, else 143, if not given") Integer port,
            @Option(names = "--tls", paramLabel = "implicit|starttls|none", defaultValue = "implicit",
                    description = "implicit (the default), starttls, or none (only to a private network)") String tls,
            @Option(names = "--username", paramLabel = "USER", required = true,
                    description = "the account's user name there") String username,
            @ArgGroup(multiplicity = "1") AddressCommand.Password password) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("host", host).put("tls", tls)
                .put("username", username).put("password", password.read());
        if (port != null) {
            body.put("port", port);
        }
        JsonNode job = node.client().post(path(address), body);
        return node.changed(job, "import " + job.get("id").asText() + " into " + address + " from " + source(job)
                + " started");
    }

    @Command(name = "list", description = "The address's imports, oldest first, with their progress.")
    int list(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        return node.listed(node.client().get(path(address)), jobs -> {
            Table table = new Table("ID", "FROM", "USER", "STATE", "STARTED", "COPIED", "SKIPPED", "FAILED");
            for (JsonNode job : jobs) {
                table.row(job.get("id").asText(), source(job), job.get("username").asText(),
                        job.get("state").asText(), job.get("started").asText(), job.get("copied").asText(),
                        job.get("skipped").asText(), job.get("failed").asText());
            }
            return table;
        });
    }

    @Command(name = "show", description = "One import: its progress, the folders read, why messages failed, and why"
            + " a failed job stopped.")
    int show(@Mixin NodeOptions node, @Parameters(index = "0", paramLabel = "ADDRESS") String address,
            @Parameters(index = "1", paramLabel = "ID") String id) {
        JsonNode job = node.client().get(path(address) + "/" + AdminClient.segment(id));
        if (node.json()) {
            node.print(job);
            return ExitCode.OK;
        }
        PrintWriter out = node.out();
        QueueCommand.field(out, "Import", job.get("id").asText());
        QueueCommand.field(out, "Address", job.get("address").asText());
        QueueCommand.field(out, "From", source(job) + " as " + job.get("username").asText());
        QueueCommand.field(out, "State", job.get("state").asText());
        QueueCommand.field(out, "Started", job.get("started").asText());
        QueueCommand.field(out, "Finished", Table.cell(job.path("finished")));
        QueueCommand.field(out, "Folders done", joined(job.get("foldersDone")));
        QueueCommand.field(out, "Messages", job.get("copied").asText() + " copied, " + job.get("skipped").asText()
                + " skipped, " + job.get("failed").asText() + " failed");
        QueueCommand.field(out, "Error", Table.cell(job.path("error")));
        for (JsonNode failure : job.get("failures")) {
            QueueCommand.field(out, "Failure", failure.asText());
        }
        return ExitCode.OK;
    }

    /** The source server as the job names it: host, port, and how TLS is used. */
    private static String source(JsonNode job) {
        return job.get("host").asText() + ":" + job.get("port").asText() + " (tls " + job.get("tls").asText() + ")";
    }

    private static String joined(JsonNode values) {
        StringJoiner joined = new StringJoiner(", ").setEmptyValue(Table.NONE);
        values.forEach(value -> joined.add(value.asText()));
        return joined.toString();
    }

    private static String path(String address) {
        Address.parse(address);
        return AddressCommand.path(address) + "/imports";
    }
}
