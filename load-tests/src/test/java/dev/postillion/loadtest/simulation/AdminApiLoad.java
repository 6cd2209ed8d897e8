package dev.postillion.loadtest.simulation;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Admin API load over Gatling's HTTP protocol (README, "Admin API"): each user an administrator
 * who creates an address of {@value #DOMAIN} (201), lists the domain's addresses
 * (200, the new one among them) and lists the queue (200); every tenth then flushes the queue
 * (200). Each user's local part is its own, counted, so every creation is a new address.
 * {@link #prepare()} hosts the domain and deletes the addresses an earlier run left there, so that
 * afterwards the domain holds exactly the addresses this run created.
 */
final class AdminApiLoad implements Workload {

    public static final String DOMAIN = "admin.load.test";
    /** The request whose OK count is the number of addresses created. */
    public static final String CREATE_ADDRESS = "create address";
    /** The request of every tenth user. */
    public static final String FLUSH_QUEUE = "flush queue";

    /** Every tenth user flushes: counted, not drawn, so that even a run of seconds has one. */
    private static final int FLUSH_EVERY = 10;

    private final Target target;
    // one password of this run for every address: the API refuses weak ones, and none is used to log in
    private final String password = UUID.randomUUID().toString();

    AdminApiLoad(Target target) {
        this.target = target;
    }

    @Override
    public PopulationBuilder population(Load load) {
        var admin = http.baseUrl(target.admin().toString()).authorizationHeader("Bearer " + target.token())
                .acceptHeader("application/json");
        return scenario("admin API").feed(localParts())
                .exec(createAddress(), listAddresses(), listQueue())
                .doIf("#{flush}").then(flushQueue())
                .injectOpen(load.openModel()).protocols(admin);
    }

    private ChainBuilder createAddress() {
        return exec(http(CREATE_ADDRESS).post("/api/v1/domains/" + DOMAIN + "/addresses")
                .asJson()
                .body(StringBody("{\"localPart\":\"#{localPart}\",\"password\":\"" + password + "\",\"type\":\"mailbox\"}"))
                .check(status().is(201), jsonPath("$.localPart").isEL("#{localPart}")));
    }

    /** The listing holds the address this user created. */
    private static ChainBuilder listAddresses() {
        return exec(http("list addresses").get("/api/v1/domains/" + DOMAIN + "/addresses")
                .check(status().is(200), jsonPath("$[*].localPart").findAll()
                        .transformWithSession((localParts, session) -> localParts.contains(session.getString("localPart")))
                        .is(true)));
    }

    private static ChainBuilder listQueue() {
        return exec(http("list queue").get("/api/v1/queue").check(status().is(200), jsonPath("$.messages").exists()));
    }

    private static ChainBuilder flushQueue() {
        return exec(http(FLUSH_QUEUE).post("/api/v1/queue/flush").check(status().is(200),
                jsonPath("$.retried").exists()));
    }

    /** A local part of its own for each user, and whether it flushes. */
    private static Iterator<Map<String, Object>> localParts() {
        return Stream.iterate(1L, n -> n + 1)
                .<Map<String, Object>>map(n -> Map.of("localPart", "admin" + n, "flush", n % FLUSH_EVERY == 0))
                .iterator();
    }

    /** The domain empty of addresses: afterwards it holds exactly the ones this run created. */
    @Override
    public void prepare() {
        AdminApi api = new AdminApi(target);
        api.hostDomain(DOMAIN);
        for (String localPart : api.addresses(DOMAIN)) {
            api.deleteAddress(DOMAIN, localPart);
        }
    }
}
