package dev.postillion.mta;

import com.typesafe.config.ConfigUtil;
import dev.postillion.queue.testing.FakeMx;
import dev.postillion.core.testing.TestDnsServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Internet as outbound tests see it: a DNS server and remote MX hosts on 127.0.0.1, and the
 * settings that lead a node there.
 *
 * <p>{@value #DOMAIN} publishes two MX records: {@value #PREFERRED_MX} (preference 10) at
 * 127.0.0.2, where nothing listens, so that connections to it are refused, and {@value #MX}
 * (preference 20) at 127.0.0.1, the {@link #mx()} server. Its transport entry, {@code
 * "remote.test:<port>"}, keeps the MX lookup and only changes the port. Other domains can be routed
 * the same way ({@link #viaMx}) or straight to a server of their own ({@link #direct}); domains
 * without an entry are looked up in DNS and go to port 25, which suits the cases where DNS ends
 * the attempt.
 */
final class RemoteWorld implements AutoCloseable {

    static final String DOMAIN = "remote.test";
    static final String PREFERRED_MX = "mx1.remote.test";
    static final String MX = "mx2.remote.test";
    /** Where the preferred MX host lives: a loopback address nothing listens on. */
    static final String REFUSING_ADDRESS = "127.0.0.2";

    private final TestDnsServer dns;
    private final FakeMx mx;
    private final List<FakeMx> servers = new ArrayList<>();
    private final Map<String, String> transport = new LinkedHashMap<>();

    private RemoteWorld(TestDnsServer dns, FakeMx mx) {
        this.dns = dns;
        this.mx = mx;
        servers.add(mx);
    }

    static RemoteWorld start() throws IOException {
        TestDnsServer dns = TestDnsServer.start();
        RemoteWorld world = new RemoteWorld(dns, FakeMx.start());
        dns.mx(DOMAIN, 10, PREFERRED_MX).a(PREFERRED_MX, REFUSING_ADDRESS)
                .mx(DOMAIN, 20, MX).a(MX, "127.0.0.1");
        world.ownMx(DOMAIN);
        return world;
    }

    TestDnsServer dns() {
        return dns;
    }

    /** The server of {@value #MX}. */
    FakeMx mx() {
        return mx;
    }

    /** Mail for {@code domain} goes to the MX hosts of {@value #DOMAIN}. Before {@link #startNode}. */
    RemoteWorld viaMx(String domain) {
        return route(domain, DOMAIN + ":" + mx.port());
    }

    /** Mail for {@code domain} goes to the MX hosts DNS gives for it, on the port of {@link #mx()}. */
    RemoteWorld ownMx(String domain) {
        return route(domain, domain + ":" + mx.port());
    }

    /** Mail for {@code domain} goes to {@code nextHop}, in the transport map's notation. Before {@link #startNode}. */
    RemoteWorld route(String domain, String nextHop) {
        transport.put(domain, nextHop);
        return this;
    }

    /** A server of its own for {@code domain}, reached as {@code [127.0.0.1]:port}. Before {@link #startNode}. */
    FakeMx direct(String domain) {
        FakeMx server = FakeMx.start();
        servers.add(server);
        route(domain, "[127.0.0.1]:" + server.port());
        return server;
    }

    /**
     * The settings of a node in this world, whose test client (127.0.0.1) may relay, with
     * {@code extra} settings on top.
     */
    Map<String, Object> settings(Map<String, ?> extra) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("postillion.dns.servers", List.of(dns.address()));
        // The test DNS serves an unsigned root: the real root's trust anchor would make it all bogus.
        settings.put("postillion.dns.dnssec.trust-anchors", List.of());
        // Keys of a map are read as paths: a domain is quoted to stay one key.
        Map<String, String> entries = new HashMap<>();
        transport.forEach((domain, nextHop) -> entries.put(ConfigUtil.joinPath(domain), nextHop));
        settings.put("postillion.delivery.transport", entries);
        settings.put("postillion.smtp.relay-networks", List.of("127.0.0.0/8"));
        settings.putAll(extra);
        return settings;
    }

    TestNode startNode(Path dataDir, Map<String, ?> extra) {
        return TestNode.start(dataDir, settings(extra), Clock.systemUTC());
    }

    @Override
    public void close() {
        servers.forEach(FakeMx::close);
        dns.close();
    }
}
