package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.CsvRecords;
import dev.postillion.mailbox.DirectoryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailbox imports from other IMAP servers (SPEC section 7): {@code /api/v1/addresses/{address}/imports}
 * starts one and shows the jobs' progress; {@code /api/v1/imports} starts one per line of a CSV
 * of accounts.
 */
final class ImportRoutes extends JsonRoutes {

    /** Accounts one CSV may import: a bulk move, not a migration of a whole provider at once. */
    static final int MAX_CSV_ACCOUNTS = 25;
    static final String CSV_HEADER = "address,host,port,tls,username,password";

    private static final Logger log = LoggerFactory.getLogger(ImportRoutes.class);
    private static final Set<String> FIELDS = Set.of("host", "port", "tls", "username", "password");
    private static final String IMPORTS = "/api/v1/addresses/{address}/imports";

    private final MailImportAdmin imports;

    ImportRoutes(MailImportAdmin imports) {
        this.imports = imports;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post(IMPORTS, "startMailImport", p -> withJson(body -> respond(StatusCodes.ACCEPTED,
                        start(AddressRoutes.address(p.get("address")), request(body)).thenApply(ImportRoutes::jobJson)))),
                Endpoint.get(IMPORTS, "listMailImports", p -> respond(StatusCodes.OK,
                        imports.jobs(AddressRoutes.address(p.get("address")))
                                .thenApply(jobs -> jobs.stream().map(ImportRoutes::jobJson).toList()))),
                Endpoint.get(IMPORTS + "/{id}", "getMailImport", p -> respond(StatusCodes.OK,
                        imports.job(AddressRoutes.address(p.get("address")), p.get("id")).thenApply(job -> job.map(ImportRoutes::jobJson)
                                .orElseThrow(() -> ApiError.notFound("no import " + p.get("id") + " for "
                                        + p.get("address")))))),
                Endpoint.post("/api/v1/imports", "startMailImports", p ->
                        entity(Unmarshaller.entityToString(), csv -> respond(StatusCodes.ACCEPTED, startAll(csv)))));
    }

    private CompletionStage<MailImportAdmin.Job> start(EmailAddress address, MailImportAdmin.Request request) {
        try {
            return imports.start(address, request);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    /** {@code {"host","port","tls","username","password"}}: tls defaults to implicit, port to the tls's usual one. */
    private static MailImportAdmin.Request request(JsonNode body) {
        Json.onlyFields(body, FIELDS);
        String tls = Json.optionalText(body, "tls").orElse("implicit");
        JsonNode port = body.path("port");
        if (!port.isMissingNode() && !port.isNull() && !port.canConvertToInt()) {
            throw ApiError.badRequest("field 'port' must be a port number");
        }
        return new MailImportAdmin.Request(Json.requiredText(body, "host"),
                port.isIntegralNumber() ? port.asInt() : defaultPort(tls), tls, Json.requiredText(body, "username"),
                Json.requiredText(body, "password"));
    }

    private static int defaultPort(String tls) {
        return tls.equals("implicit") ? 993 : 143;
    }

    // --- bulk CSV ---

    /** One line of a CSV, started or refused. */
    private record Outcome(int line, String address, MailImportAdmin.Job job, String reason) {}

    /**
     * Starts a job for each line of the CSV; a line that cannot start is refused with its reason,
     * the others start. More than {@value #MAX_CSV_ACCOUNTS} accounts start none.
     */
    private CompletionStage<Map<String, Object>> startAll(String csv) {
        List<CsvRecords.Row> rows = CsvRecords.read(csv);
        if (rows.isEmpty() || !rows.get(0).field(0).strip().toLowerCase(Locale.ROOT).equals("address")) {
            throw ApiError.badRequest("the first line must be the header row: " + CSV_HEADER);
        }
        List<CsvRecords.Row> lines = rows.subList(1, rows.size()).stream().filter(row -> !row.blank()).toList();
        if (lines.isEmpty()) {
            throw ApiError.badRequest("the CSV has no account lines; expected the header row (" + CSV_HEADER
                    + ") and one line per account");
        }
        if (lines.size() > MAX_CSV_ACCOUNTS) {
            throw new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "the CSV has " + lines.size() + " accounts; at most "
                    + MAX_CSV_ACCOUNTS + " are imported in one request, so none was started");
        }
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (CsvRecords.Row row : lines) {
            outcomes.add(line(row).toCompletableFuture());
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<Outcome> done = outcomes.stream().map(CompletableFuture::join).toList();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("started", done.stream().filter(outcome -> outcome.job() != null).count());
            json.put("refused", done.stream().filter(outcome -> outcome.job() == null).count());
            json.put("lines", done.stream().map(ImportRoutes::outcomeJson).toList());
            return json;
        });
    }

    private CompletionStage<Outcome> line(CsvRecords.Row row) {
        String address = row.field(0).strip();
        try {
            if (row.fields().size() != 6) {
                throw new IllegalArgumentException("has " + row.fields().size() + " columns; expected " + CSV_HEADER);
            }
            String tls = row.field(3).strip().isEmpty() ? "implicit" : row.field(3).strip();
            String port = row.field(2).strip();
            MailImportAdmin.Request request = new MailImportAdmin.Request(row.field(1).strip(),
                    port.isEmpty() ? defaultPort(tls) : portNumber(port), tls, row.field(4), row.field(5));
            return imports.start(AddressRoutes.address(address), request).handle((job, failure) -> failure == null
                    ? new Outcome(row.line(), address, job, null) : new Outcome(row.line(), address, null, reason(failure)));
        } catch (IllegalArgumentException | ApiError e) {
            return CompletableFuture.completedFuture(new Outcome(row.line(), address, null, e.getMessage()));
        }
    }

    private static int portNumber(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + text + "' is not a number");
        }
    }

    /** The directory's refusal, or the running job's, as it is; our own faults in general words, their cause in the log. */
    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof DirectoryException || cause instanceof MailImportAdmin.AlreadyRunning) {
            return cause.getMessage();
        }
        log.error("A mail import of a CSV line could not start", cause);
        return "the import could not be started; the node's log has the cause";
    }

    private static Map<String, Object> outcomeJson(Outcome outcome) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("line", outcome.line());
        json.put("address", outcome.address());
        json.put("status", outcome.job() != null ? "started" : "refused");
        if (outcome.job() != null) {
            json.put("id", outcome.job().id());
        } else {
            json.put("reason", outcome.reason());
        }
        return json;
    }

    private static Map<String, Object> jobJson(MailImportAdmin.Job job) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", job.id());
        json.put("address", job.address());
        json.put("host", job.host());
        json.put("port", job.port());
        json.put("tls", job.tls());
        json.put("username", job.username());
        json.put("state", job.state());
        json.put("started", job.started().toString());
        json.put("finished", job.finished().map(Object::toString).orElse(null));
        json.put("foldersDone", job.foldersDone());
        json.put("copied", job.copied());
        json.put("skipped", job.skipped());
        json.put("failed", job.failed());
        json.put("failures", job.failures());
        json.put("error", job.error().orElse(null));
        return json;
    }
}
