package dev.postillion.admin;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The headers of the pages the admin listener serves to browsers (the console, Swagger UI): a
 * Content-Security-Policy of the page's own, and what keeps them from being framed, sniffed as
 * another type, or named in another site's Referer. They share an origin with the token the
 * console keeps, so none may run a script from elsewhere.
 */
final class PageHeaders {

    private PageHeaders() {}

    /** @param policy the page's Content-Security-Policy, to which framing is always refused */
    static List<HttpHeader> with(String policy) {
        return List.of(
                RawHeader.create("Content-Security-Policy", policy + "; base-uri 'none'; frame-ancestors 'none'"),
                RawHeader.create("X-Content-Type-Options", "nosniff"),
                RawHeader.create("Referrer-Policy", "no-referrer"),
                // The pages change with the node's version; the browser asks again rather than run stale code.
                RawHeader.create("Cache-Control", "no-cache"));
    }
}
