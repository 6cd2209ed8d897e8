package dev.postillion.admin;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /console}: the web console, static pages from the jar ({@code console/} in admin-http's
 * resources) that call the admin API from the browser with the operator's token. The pages hold
 * no data of their own, so they are served without the token; everything they show comes from
 * the API, which asks for it. They run no inline script and load nothing from elsewhere, which the
 * Content-Security-Policy makes a rule: an address or subject that carries markup stays text.
 */
final class ConsoleRoutes extends AllDirectives {

    /** The folder of the console's files among the jar's resources. */
    private static final String RESOURCES = "console";

    private static final List<HttpHeader> HEADERS = PageHeaders.with("default-src 'none'; script-src 'self'; "
            + "style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'");

    Route route() {
        return concat(
                // Relative links in the page resolve against /console/, not /.
                pathEnd(() -> redirect(Uri.create("/console/"), StatusCodes.MOVED_PERMANENTLY)),
                get(() -> respondWithHeaders(HEADERS, () -> concat(
                        pathSingleSlash(() -> getFromResource(RESOURCES + "/index.html")),
                        getFromResourceDirectory(RESOURCES)))));
    }
}
