package dev.postillion.core.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import dev.postillion.core.dns.DnsLookups;
import dev.postillion.core.dns.DnsSettings;
import dev.postillion.core.dns.DnsjavaNameService;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS of the outside world, for tests: an authoritative server for every name (the root zone)
 * on 127.0.0.1, on one random port over UDP and TCP, answering from records the test adds.
 *
 * <p>It answers as a real authoritative server does, so that the resolver under test meets what it
 * will meet on the Internet: a name with no records at all, and nothing below it, is NXDOMAIN; a
 * name that exists, with records of other types or only names below it (an empty non-terminal,
 * RFC 8020), is NODATA (NOERROR with an empty answer). Negative answers carry the zone's SOA, whose
 * TTL bounds negative caching (RFC 2308 section 5). CNAME chains within the data are followed in the
 * answer (RFC 1034 section 4.3.2). A UDP answer larger than the client's EDNS payload size (512
 * bytes without EDNS) is truncated with the TC flag, so that the client asks again over TCP
 * (RFC 7766). Names can be set to fail with SERVFAIL or to get no answer at all.
 *
 * <p>Zones can be DNSSEC-signed ({@link #sign}): to a query with the DO bit (RFC 3225), answers for
 * names in them carry RRSIGs, and negative ones the zone's signed SOA and NSEC records (RFC 4035
 * section 3.1). Names outside every signed zone are answered unsigned, as from an unsigned zone.
 * It can also act as a forwarder that strips DNSSEC records ({@link #stripDnssec}).
 *
 * <p>Every query is counted by name and type, so that tests can tell what was cached. Safe to
 * change and query from any thread while it serves.
 */
public final class TestDnsServer implements AutoCloseable {

    /** TTL of records added without one, and of negative answers (the SOA minimum). */
    public static final long DEFAULT_TTL = 300;

    private static final Name HOSTMASTER = Name.fromConstantString("hostmaster.test.");
    private static final Name NAME_SERVER = Name.fromConstantString("ns.test.");
    /** The largest UDP answer to a client that sends no EDNS payload size (RFC 1035 section 4.2.1). */
    private static final int PLAIN_UDP_SIZE = 512;
    /** A bound on CNAME chains, so that a loop in the data ends. */
    private static final int MAX_CHAIN = 8;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-dns");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Map<Name, List<Record>> records = new HashMap<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Map<Question, Integer> queries = new ConcurrentHashMap<>();
    private final List<SignedZone> zones = new CopyOnWriteArrayList<>();
    private volatile boolean strippingDnssec;

    private record Question(Name name, int type) {}

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Starts a server on a port free for both UDP and TCP. */
    public static TestDnsServer start() throws IOException {
        IOException lastFailure = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            try {
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()));
                TestDnsServer server = new TestDnsServer(udp, tcp);
                server.threads.execute(server::serveUdp);
                server.threads.execute(server::acceptTcp);
                return server;
            } catch (SocketException taken) {
                // the port is free for TCP but not for UDP: try another one
                tcp.close();
                lastFailure = taken;
            }
        }
        throw lastFailure;
    }

    public int port() {
        return tcp.getLocalPort();
    }

    /** The node's name service, asking this server only, once per question, waiting {@code timeout}. */
    public DnsjavaNameService nameService(Duration timeout) {
        return new DnsjavaNameService(new DnsSettings(List.of(new InetSocketAddress("127.0.0.1", port())), timeout, 1),
                DnsLookups.uncounted());
    }

    /** As {@code postillion.dns.servers} takes it: {@code 127.0.0.1:port}. */
    public String address() {
        return tcp.getInetAddress().getHostAddress() + ":" + port();
    }

    /** Adds any record, for types without a method of their own and for TTLs other than the default. */
    public TestDnsServer add(Record record) {
        synchronized (records) {
            records.computeIfAbsent(record.getName(), name -> new ArrayList<>()).add(record);
        }
        return this;
    }

    /** An MX record; {@code host} "." makes a null MX (RFC 7505). */
    public TestDnsServer mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, DEFAULT_TTL, preference, name(host)));
    }

    /** The null MX of RFC 7505: the domain accepts no mail. */
    public TestDnsServer nullMx(String domain) {
        return mx(domain, 0, ".");
    }

    public TestDnsServer a(String host, String ipv4) {
        return add(new ARecord(name(host), DClass.IN, DEFAULT_TTL, address(ipv4, Address.IPv4)));
    }

    public TestDnsServer aaaa(String host, String ipv6) {
        return add(new AAAARecord(name(host), DClass.IN, DEFAULT_TTL, address(ipv6, Address.IPv6)));
    }

    public TestDnsServer cname(String alias, String target) {
        return add(new CNAMERecord(name(alias), DClass.IN, DEFAULT_TTL, name(target)));
    }

    /** A TXT record of one or more strings (SPF, DMARC, DKIM keys...). */
    public TestDnsServer txt(String name, String... strings) {
        return add(new TXTRecord(name(name), DClass.IN, DEFAULT_TTL, List.of(strings)));
    }

    /**
     * Signs the zone at {@code apex} and the names below it, with a key of its own; its SOA and
     * DNSKEY records are added. Its {@link SignedZone#trustAnchor()} is what a validator trusts.
     */
    public SignedZone sign(String apex) {
        SignedZone zone = new SignedZone(name(apex));
        zones.add(zone);
        zone.apexRecords().forEach(this::add);
        return zone;
    }

    /** A TLSA record (RFC 6698): {@code usage selector matchingType} and the association data. */
    public TestDnsServer tlsa(String name, int usage, int selector, int matchingType, byte[] data) {
        return add(new TLSARecord(name(name), DClass.IN, DEFAULT_TTL, usage, selector, matchingType, data));
    }

    /**
     * From now on answers carry no DNSSEC records, as from a forwarder that drops them: no RRSIG
     * and NSEC records whatever the DO bit, and no DNSKEY or DS records (NODATA instead).
     */
    public TestDnsServer stripDnssec() {
        strippingDnssec = true;
        return this;
    }

    /** From now on every query for {@code name}, of any type, is answered SERVFAIL. */
    public TestDnsServer servfail(String name) {
        failing.add(name(name));
        return this;
    }

    /** From now on queries for {@code name}, of any type, get no answer: the client times out. */
    public TestDnsServer timeout(String name) {
        silent.add(name(name));
        return this;
    }

    /** How many queries for {@code name} and {@code type} (a {@link Type} constant) arrived, over UDP and TCP. */
    public int queries(String name, int type) {
        return queries.getOrDefault(new Question(name(name), type), 0);
    }

    /** How many queries arrived in all. */
    public int queries() {
        return queries.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void close() {
        try {
            udp.close();
            tcp.close();
            for (Socket connection : connections) {
                connection.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            threads.shutdownNow();
        }
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                Message answer = answer(query);
                if (answer != null) {
                    OPTRecord edns = query.getOPT();
                    byte[] wire = answer.toWire(edns == null ? PLAIN_UDP_SIZE : Math.max(PLAIN_UDP_SIZE, edns.getPayloadSize()));
                    udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                // closed, or a datagram that is no DNS message: nothing to answer
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket connection = tcp.accept();
                connections.add(connection);
                threads.execute(() -> serveTcp(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Messages over TCP carry a two-byte length (RFC 1035 section 4.2.2); a client may send several. */
    private void serveTcp(Socket connection) {
        try (connection;
                DataInputStream in = new DataInputStream(connection.getInputStream());
                DataOutputStream out = new DataOutputStream(connection.getOutputStream())) {
            while (true) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message answer = answer(new Message(wire));
                if (answer != null) {
                    byte[] reply = answer.toWire();
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            }
        } catch (IOException closed) {
            // the client is done (EOF), sent garbage, or the server closes
        } finally {
            connections.remove(connection);
        }
    }

    /** The answer to {@code query}, or null when it is to go unanswered. */
    private Message answer(Message query) {
        Record question = query.getQuestion();
        Message answer = new Message(query.getHeader().getID());
        answer.getHeader().setFlag(Flags.QR);
        answer.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            answer.getHeader().setFlag(Flags.RD);
        }
        boolean dnssecOk = query.getOPT() != null && (query.getOPT().getFlags() & ExtendedFlags.DO) != 0;
        if (query.getOPT() != null) {
            answer.addRecord(new OPTRecord(4096, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        if (question == null) {
            answer.getHeader().setRcode(Rcode.FORMERR);
            return answer;
        }
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            answer.getHeader().setRcode(Rcode.NOTIMP);
            return answer;
        }
        answer.addRecord(question, Section.QUESTION);
        queries.merge(new Question(question.getName(), question.getType()), 1, Integer::sum);
        if (silent.contains(question.getName())) {
            return null;
        }
        if (failing.contains(question.getName())) {
            answer.getHeader().setRcode(Rcode.SERVFAIL);
            return answer;
        }
        synchronized (records) {
            Name last = fillAnswer(answer, question.getName(), question.getType());
            Optional<SignedZone> zone = zones.stream().filter(signed -> signed.contains(last)).findFirst();
            if (strippingDnssec) {
                answer.getSection(Section.ANSWER).stream()
                        .filter(record -> record.getType() == Type.DNSKEY || record.getType() == Type.DS)
                        .toList()
                        .forEach(record -> answer.removeRecord(record, Section.ANSWER));
            } else if (dnssecOk && zone.isPresent()) {
                signAnswer(answer, zone.get(), last);
            }
        }
        return answer;
    }

    /**
     * RRSIGs for each RRset of the answer; for a negative answer, the zone's SOA instead of the
     * root's, and the NSEC records that prove the denial, all signed.
     */
    private void signAnswer(Message answer, SignedZone zone, Name last) {
        boolean negative = answer.getSection(Section.ANSWER).stream().noneMatch(record -> record.getName().equals(last));
        if (negative) {
            answer.removeAllRecords(Section.AUTHORITY);
            answer.addRecord(zone.soa(), Section.AUTHORITY);
            zone.denial(last, answer.getRcode() != Rcode.NXDOMAIN, records)
                    .forEach(nsec -> answer.addRecord(nsec, Section.AUTHORITY));
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            Map<List<Object>, List<Record>> rrsets = new LinkedHashMap<>();
            answer.getSection(section).stream()
                    .filter(record -> zone.contains(record.getName()))
                    .forEach(record -> rrsets.computeIfAbsent(List.of(record.getName(), record.getType()),
                            rrset -> new ArrayList<>()).add(record));
            rrsets.values().forEach(rrset -> answer.addRecord(zone.sign(rrset), section));
        }
    }

    /**
     * Records of {@code type} at {@code name}, through any CNAME chain, or a negative answer with the SOA.
     *
     * @return the name the chain ended at: the one answered about
     */
    private Name fillAnswer(Message answer, Name name, int type) {
        Name current = name;
        for (int step = 0; step < MAX_CHAIN; step++) {
            List<Record> own = records.getOrDefault(current, List.of());
            List<Record> matching = own.stream().filter(r -> r.getType() == type).toList();
            if (!matching.isEmpty()) {
                matching.forEach(r -> answer.addRecord(r, Section.ANSWER));
                return current;
            }
            Record alias = own.stream().filter(r -> r.getType() == Type.CNAME).findFirst().orElse(null);
            if (alias == null) {
                if (!exists(current)) {
                    answer.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                answer.addRecord(soa(), Section.AUTHORITY);
                return current;
            }
            answer.addRecord(alias, Section.ANSWER);
            current = ((CNAMERecord) alias).getTarget();
        }
        return current;
    }

    /** A name exists if it owns records or names below it do (RFC 8020). */
    private boolean exists(Name name) {
        return records.keySet().stream().anyMatch(owner -> owner.subdomain(name));
    }

    private static SOARecord soa() {
        return new SOARecord(Name.root, DClass.IN, DEFAULT_TTL, NAME_SERVER, HOSTMASTER, 1, 3600, 600, 86400, DEFAULT_TTL);
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a domain name: " + name, e);
        }
    }

    private static InetAddress address(String literal, int family) {
        try {
            return Address.getByAddress(literal, family);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP" + (family == Address.IPv4 ? "v4" : "v6") + " address: " + literal, e);
        }
    }
}
