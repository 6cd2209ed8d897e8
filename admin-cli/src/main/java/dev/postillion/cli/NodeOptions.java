package dev.postillion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every admin command shares: where the node's admin API is, its token, and whether to
 * print the API's JSON instead of text. A mixin, so that the options go after any command.
 */
@Command(exitCodeListHeading = ExitCode.HEADING, exitCodeList = {ExitCode.OK_TEXT, ExitCode.REFUSED_TEXT,
        ExitCode.USAGE_TEXT, ExitCode.UNAVAILABLE_TEXT, ExitCode.NOT_AUTHORIZED_TEXT})
final class NodeOptions {

    /** The node writes its token there on first start (admin-http's AdminToken). */
    private static final String TOKEN_FILE = "admin-token";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:POSTILLION_URL:-http://127.0.0.1:8080}",
            description = "the node's admin API (env POSTILLION_URL; default ${DEFAULT-VALUE})")
    private String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:POSTILLION_ADMIN_TOKEN}",
            description = "the admin token (env POSTILLION_ADMIN_TOKEN; else DIR/admin-token of --data-dir)")
    private String token;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:POSTILLION_DATA_DIR:-data}",
            description = "the node's data directory, whose admin-token is read when no token is given"
                    + " (env POSTILLION_DATA_DIR; default ${DEFAULT-VALUE})")
    private Path dataDir;

    @Option(names = "--json", description = "print the admin API's JSON answer instead of text")
    private boolean json;

    AdminClient client() {
        return new AdminClient(baseUrl(), token());
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }

    /** Confirms a change: in text, or with --json the API's answer as it is (nothing for a 204). */
    int changed(JsonNode answer, String confirmation) {
        if (json) {
            print(answer);
        } else {
            out().println(confirmation);
        }
        return ExitCode.OK;
    }

    /** Prints a listing: with --json the API's answer as it is, else the table made of it. */
    int listed(JsonNode answer, Function<JsonNode, Table> table) {
        if (json) {
            print(answer);
        } else {
            table.apply(answer).print(out());
        }
        return ExitCode.OK;
    }

    /** Prints text that ends its own lines; flushed, as only println flushes the console's writer by itself. */
    void printText(String text) {
        out().print(text);
        out().flush();
    }

    /** Reports a refusal on standard error as the command's failure would be, for a command that goes on. */
    void refused(CommandFailure failure) {
        err().println(FailureHandler.line(command.qualifiedName(), failure));
    }

    /** Prints a JSON document for jq and scripts; nothing for an answer without a body. */
    void print(JsonNode document) {
        if (document.isMissingNode()) {
            return;
        }
        try {
            out().println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree is always writable", e);
        }
    }

    /** The API's URL without its final slash, refused as a usage error unless it is http(s)://host... */
    private String baseUrl() {
        try {
            URI parsed = new URI(url);
            boolean http = "http".equalsIgnoreCase(parsed.getScheme()) || "https".equalsIgnoreCase(parsed.getScheme());
            if (http && parsed.getHost() != null && parsed.getQuery() == null && parsed.getFragment() == null) {
                return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            }
        } catch (URISyntaxException e) {
            // refused below, as every other URL that is not the API's
        }
        throw new ParameterException(command.commandLine(),
                "--url must be the admin API's http:// or https:// URL, such as http://127.0.0.1:8080, not '" + url + "'");
    }

    private String token() {
        return Optional.ofNullable(token).map(String::strip).filter(t -> !t.isEmpty()).orElseGet(this::tokenFile);
    }

    private String tokenFile() {
        Path file = dataDir.resolve(TOKEN_FILE);
        try {
            String stored = Files.readString(file).strip();
            if (stored.isEmpty()) {
                throw new CommandFailure(ExitCode.NOT_AUTHORIZED, file + " is empty");
            }
            return stored;
        } catch (NoSuchFileException e) {
            throw new CommandFailure(ExitCode.NOT_AUTHORIZED, "no admin token: give --token, set POSTILLION_ADMIN_TOKEN,"
                    + " or point --data-dir at the node's data directory (there is no " + file + ")");
        } catch (AccessDeniedException e) {
            throw new CommandFailure(ExitCode.NOT_AUTHORIZED, "cannot read " + file
                    + ": permission denied; run as the node's user, or give the token with POSTILLION_ADMIN_TOKEN");
        } catch (IOException e) {
            throw new CommandFailure(ExitCode.NOT_AUTHORIZED, "cannot read " + file
                    + "; give the token with --token or POSTILLION_ADMIN_TOKEN");
        }
    }
}
