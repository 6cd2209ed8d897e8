package dev.postillion.admin;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The admin API's answer to a request Pekko HTTP cannot parse into one (a URI or header too long,
 * a chunked body that also declares a length...): the JSON error every other refusal has, with a
 * plain reason, instead of Pekko's plain-text page (issue 12, defect 20). Named by
 * {@code pekko.http.server.parsing.error-handler} in admin-http's reference.conf; Pekko makes it
 * with the public no-argument constructor.
 */
public final class ParsingErrors extends ParsingErrorHandler {

    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
        log.info("admin API: unparseable request refused with {}: {}", status.intValue(), error.formatPretty());
        return Json.error(status, reason(status, error));
    }

    /** Pekko's summary, but for limits, whose summaries name the setting that sets them. */
    private static String reason(StatusCode status, ErrorInfo error) {
        return switch (status.intValue()) {
            case 413 -> "the request body is too large";
            case 414 -> "the request URI is too long";
            case 431 -> "the request's header fields are too large";
            default -> "the request cannot be parsed as HTTP/1.1: " + error.summary();
        };
    }
}
