package dev.postillion.core.testing;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNSSEC-signed zone of the {@link TestDnsServer} (RFC 4035), signed on the fly with a key made
 * for the test (ECDSA P-256, algorithm 13): the server adds RRSIGs to the answers for names in it,
 * and NSEC records that prove names and types absent, when the query asks with the DO bit. Its
 * {@link #trustAnchor()} lets a validating resolver start from it, as from the root zone's key.
 */
public final class SignedZone {

    private static final Duration VALIDITY = Duration.ofDays(7);

    private final Name apex;
    private final KeyPair key;
    private final DNSKEYRecord dnskey;
    /** Another key: what signs the forged names' records, so that their signatures do not verify. */
    private final KeyPair forger;
    private final DNSKEYRecord forgerKey;
    private final Set<Name> forged = ConcurrentHashMap.newKeySet();

    SignedZone(Name apex) {
        this.apex = apex;
        this.key = TestKeys.p256();
        this.dnskey = dnskey(apex, key);
        this.forger = TestKeys.p256();
        this.forgerKey = dnskey(apex, forger);
    }

    /** The zone's key as a DS record in presentation format, for {@code postillion.dns.dnssec.trust-anchors}. */
    public String trustAnchor() {
        return new DSRecord(apex, DClass.IN, TestDnsServer.DEFAULT_TTL, DSRecord.SHA256_DIGEST_ID, dnskey).toString();
    }

    /** From now on, the records of {@code name} come with signatures that do not verify: bogus. */
    public SignedZone forge(String name) {
        try {
            forged.add(Name.fromString(name, Name.root));
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
        return this;
    }

    Name apex() {
        return apex;
    }

    boolean contains(Name name) {
        return name.subdomain(apex);
    }

    /** The records a zone has at its apex: its SOA, whose minimum bounds negative caching, and its key. */
    List<Record> apexRecords() {
        return List.of(soa(), dnskey);
    }

    SOARecord soa() {
        return new SOARecord(apex, DClass.IN, TestDnsServer.DEFAULT_TTL, Name.fromConstantString("ns.test."),
                Name.fromConstantString("hostmaster.test."), 1, 3600, 600, 86400, TestDnsServer.DEFAULT_TTL);
    }

    /** The RRSIG over one RRset of the zone (all records of one name and type). */
    RRSIGRecord sign(List<Record> rrset) {
        boolean forge = forged.contains(rrset.get(0).getName());
        Instant now = Instant.now();
        try {
            return DNSSEC.sign(new RRset(rrset), forge ? forgerKey : dnskey, (forge ? forger : key).getPrivate(),
                    now.minus(Duration.ofHours(1)), now.plus(VALIDITY));
        } catch (DNSSEC.DNSSECException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The NSEC records that prove {@code name} has no records of the type asked (RFC 4035 section
     * 3.1.3): the name's own NSEC for NODATA; for NXDOMAIN, the NSEC that covers the name and the
     * one that covers the wildcard at its closest encloser, which prove no wildcard could answer.
     *
     * @param owners every record of the server, by name: the zone's names are taken from it
     */
    List<Record> denial(Name name, boolean nameExists, Map<Name, List<Record>> owners) {
        NavigableSet<Name> names = new TreeSet<>();
        owners.keySet().stream().filter(this::contains).forEach(names::add);
        Set<Name> proof = new LinkedHashSet<>();
        if (nameExists && names.contains(name)) {
            proof.add(name);
        } else {
            proof.add(covering(names, name));
        }
        if (!nameExists) {
            proof.add(covering(names, wildcard(closestEncloser(names, name))));
        }
        return proof.stream().<Record>map(owner -> nsec(owner, names, owners)).toList();
    }

    private NSECRecord nsec(Name owner, NavigableSet<Name> names, Map<Name, List<Record>> owners) {
        Name next = names.higher(owner) == null ? names.first() : names.higher(owner);
        Set<Integer> types = new TreeSet<>(List.of(Type.RRSIG, Type.NSEC));
        owners.get(owner).forEach(record -> types.add(record.getType()));
        return new NSECRecord(owner, DClass.IN, TestDnsServer.DEFAULT_TTL, next,
                types.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The last name before {@code name} in canonical order (RFC 4034 section 6.1), whose NSEC spans it. */
    private static Name covering(NavigableSet<Name> names, Name name) {
        Name before = names.lower(name);
        return before == null ? names.last() : before;
    }

    /** The longest ancestor of {@code name} that exists: owns records, or has names below it. */
    private Name closestEncloser(NavigableSet<Name> names, Name name) {
        Name ancestor = new Name(name, 1);
        while (!ancestor.equals(apex) && !exists(names, ancestor)) {
            ancestor = new Name(ancestor, 1);
        }
        return ancestor;
    }

    private static boolean exists(NavigableSet<Name> names, Name name) {
        return names.stream().anyMatch(owner -> owner.subdomain(name));
    }

    private static Name wildcard(Name encloser) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), encloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static DNSKEYRecord dnskey(Name apex, KeyPair key) {
        try {
            // Flags 257: a zone key that is also a secure entry point (RFC 4034 section 2.1.1).
            return new DNSKEYRecord(apex, DClass.IN, TestDnsServer.DEFAULT_TTL, 257, DNSKEYRecord.Protocol.DNSSEC,
                    DNSSEC.Algorithm.ECDSAP256SHA256, key.getPublic());
        } catch (DNSSEC.DNSSECException e) {
            throw new IllegalStateException(e);
        }
    }
}
