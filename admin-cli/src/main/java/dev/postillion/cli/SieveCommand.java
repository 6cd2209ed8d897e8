package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code postillion address sieve}: an address's Sieve scripts (RFC 5228), as the admin API keeps them. */
@Command(name = "sieve", description = "List, store, show, delete, activate and deactivate an address's Sieve scripts.")
public final class SieveCommand {

    private static final String MEDIA_TYPE = "application/sieve";

    @Command(name = "list", description = "The address's scripts, and which one is active.")
    int list(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        JsonNode scripts = node.client().get(path(address));
        if (node.json()) {
            node.print(scripts);
            return ExitCode.OK;
        }
        Table table = new Table("NAME", "SIZE", "ACTIVE");
        for (JsonNode script : scripts.get("scripts")) {
            table.row(script.get("name").asText(), script.get("size").asText(),
                    script.get("active").asBoolean() ? "yes" : "no");
        }
        table.print(node.out());
        return ExitCode.OK;
    }

    @Command(name = "put", description = "Store a script (checked first: an error names line and column).")
    int put(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "NAME") String name,
            @Parameters(paramLabel = "FILE", description = "the script; - for standard input") String file) {
        String text = read(file);
        return node.changed(node.client().putText(script(address, name), MEDIA_TYPE, text),
                "script " + name + " of " + address + " stored");
    }

    @Command(name = "get", description = "Print a script.")
    int get(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "NAME") String name) {
        node.printText(node.client().getText(script(address, name), MEDIA_TYPE));
        return ExitCode.OK;
    }

    @Command(name = "delete", description = "Delete a script; the active one too, which leaves none active.")
    int delete(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "NAME") String name) {
        return node.changed(node.client().delete(script(address, name)), "script " + name + " of " + address
                + " deleted");
    }

    @Command(name = "activate", description = "Make the script the one that files the address's mail.")
    int activate(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "NAME") String name) {
        return node.changed(node.client().post(script(address, name) + "/activate"), "script " + name + " of "
                + address + " activated");
    }

    @Command(name = "deactivate", description = "Leave the address without an active script.")
    int deactivate(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        return node.changed(node.client().post(path(address) + "/deactivate"), "no script of " + address
                + " is active");
    }

    private static String read(String file) {
        try {
            return file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailure(ExitCode.USAGE, "cannot read the script from " + (file.equals("-")
                    ? "standard input" : file));
        }
    }

    private static String path(String address) {
        Address.parse(address);
        return AddressCommand.path(address) + "/sieve";
    }

    private static String script(String address, String name) {
        return path(address) + "/" + AdminClient.segment(name);
    }
}
