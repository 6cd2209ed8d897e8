package dev.postillion.mailbox;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.StoreException;
import dev.postillion.sieve.SieveAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link MailboxActor} needs to know to build a batch of deliveries, read before the batch
 * is built (ARCHITECTURE rule 2): the address's settings as the directory has them now, whether each
 * delivery was stored already, and, as the address's settings ask, whether its forward targets are
 * hosted here, its senders' SRS forms, its own addresses and its responder's memory of each sender.
 * The reads run on the store's reader threads; the actor builds the batch from what they found,
 * on its own thread, without waiting.
 *
 * <p>The reads start once the previous batch is written, so they see everything this mailbox, the
 * only writer of its records, wrote before. A read that fails fails only the deliveries that need
 * its answer: they are deferred when the batch is built, the others go on.
 */
final class BatchReads {

    private static final Logger log = LoggerFactory.getLogger(BatchReads.class);

    /** Null when the address no longer receives mail here; {@link #refusal} says why. */
    private final Address address;
    private final String refusal;
    private final Map<MailboxActor.DeliveryKey, Long> deliveredContents;
    private final Map<String, Boolean> hostedDomains;
    private final Map<String, Optional<String>> srsSenders;
    private final Map<String, Optional<Instant>> lastReplies;
    /** Null when not read (no active responder) or when the read failed. */
    private final Set<String> ownAddresses;
    /** What the active Sieve script made of each delivery; empty without one, null when not read. */
    private final Map<MailboxActor.DeliveryKey, ActiveScripts.Verdict> sieveVerdicts;
    /** Each delivery's copy as an encrypted mailbox stores it; empty when the address is not encrypted. */
    private final Map<MailboxActor.DeliveryKey, byte[]> encrypted;

    private BatchReads(Address address, String refusal, Map<MailboxActor.DeliveryKey, Long> deliveredContents,
            Map<String, Boolean> hostedDomains, Map<String, Optional<String>> srsSenders,
            Map<String, Optional<Instant>> lastReplies, Set<String> ownAddresses,
            Map<MailboxActor.DeliveryKey, ActiveScripts.Verdict> sieveVerdicts,
            Map<MailboxActor.DeliveryKey, byte[]> encrypted) {
        this.address = address;
        this.refusal = refusal;
        this.deliveredContents = deliveredContents;
        this.hostedDomains = hostedDomains;
        this.srsSenders = srsSenders;
        this.lastReplies = lastReplies;
        this.ownAddresses = ownAddresses;
        this.sieveVerdicts = sieveVerdicts;
        this.encrypted = encrypted;
    }

    /** Starts the reads of a batch; completes once all have answered, failed or not. */
    static CompletionStage<BatchReads> read(MailboxContext context, MailStore mailStore, String mailbox,
            List<MailboxActor.Deliver> deliveries) {
        Map<MailboxActor.DeliveryKey, Long> delivered = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> reads = new ArrayList<>();
        for (MailboxActor.Deliver deliver : deliveries) {
            MailboxActor.DeliveryKey key = MailboxActor.DeliveryKey.of(deliver);
            reads.add(remember(mailStore.deliveredContent(mailbox, deliver.queueId(), deliver.recipient()),
                    uid -> delivered.put(key, uid), "delivery record of " + deliver.queueId()));
        }
        CompletableFuture<BatchReads> settings;
        try {
            EmailAddress address = EmailAddress.parse(mailbox, true);
            settings = context.directory().address(address).toCompletableFuture().thenCompose(found -> {
                Optional<Address> receiving = found.filter(owner -> !owner.disabled());
                return receiving.isEmpty()
                        ? CompletableFuture.completedFuture(refused("address " + mailbox
                                + " no longer receives mail here", delivered))
                        : settingsOf(context, address, receiving.get(), deliveries, delivered);
            });
        } catch (RuntimeException e) {
            settings = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<BatchReads> read = settings.exceptionally(failure -> {
            log.error("{}: directory lookup failed, deliveries deferred", mailbox, failure);
            return refused("directory unavailable", delivered);
        });
        reads.add(read);
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(all -> read);
    }

    private static BatchReads refused(String why, Map<MailboxActor.DeliveryKey, Long> delivered) {
        return new BatchReads(null, why, delivered, Map.of(), Map.of(), Map.of(), null, null, Map.of());
    }

    /**
     * The reads the address's settings call for: its Sieve script's verdicts first, then what the
     * forwards (redirect, backup copy, the script's redirects) and the responder need.
     */
    private static CompletableFuture<BatchReads> settingsOf(MailboxContext context, EmailAddress mailbox,
            Address settings, List<MailboxActor.Deliver> deliveries,
            Map<MailboxActor.DeliveryKey, Long> delivered) {
        AtomicReference<Map<MailboxActor.DeliveryKey, ActiveScripts.Verdict>> verdicts = new AtomicReference<>();
        return remember(context.activeScripts().run(context.directory().sieve(), mailbox, deliveries), verdicts::set,
                "Sieve script of " + mailbox)
                .thenCompose(read -> forwardsAndResponder(context, mailbox, settings, deliveries, delivered,
                        verdicts.get()));
    }

    private static CompletableFuture<BatchReads> forwardsAndResponder(MailboxContext context, EmailAddress mailbox,
            Address settings, List<MailboxActor.Deliver> deliveries, Map<MailboxActor.DeliveryKey, Long> delivered,
            Map<MailboxActor.DeliveryKey, ActiveScripts.Verdict> verdicts) {
        Map<String, Boolean> hosted = new ConcurrentHashMap<>();
        Map<String, Optional<String>> srsSenders = new ConcurrentHashMap<>();
        Map<String, Optional<Instant>> lastReplies = new ConcurrentHashMap<>();
        Set<String> senders = new LinkedHashSet<>();
        deliveries.forEach(deliver -> deliver.envelope().sender().ifPresent(sender -> senders.add(sender.toString())));
        List<CompletableFuture<?>> reads = new ArrayList<>();
        List<String> forwardDomains = forwardDomains(settings, verdicts);
        if (!forwardDomains.isEmpty()) {
            for (String domain : forwardDomains) {
                reads.add(remember(context.directory().hosts(domain), found -> hosted.put(domain, found),
                        "whether " + domain + " is hosted"));
            }
            for (String sender : senders) {
                reads.add(remember(context.srs().forward(sender, mailbox.domain()),
                        rewritten -> srsSenders.put(sender, rewritten), "SRS form of " + sender));
            }
        }
        AtomicReference<Set<String>> own = new AtomicReference<>();
        if (settings.activeResponder().isPresent()) {
            reads.add(remember(context.directory().ownAddresses(settings), own::set, "own addresses of " + mailbox));
            for (String sender : senders) {
                String senderKey = sender.toLowerCase(Locale.ROOT);
                reads.add(remember(context.responders().lastReply(mailbox.key(), senderKey),
                        last -> lastReplies.put(senderKey, last), "responder's memory of " + sender));
            }
        }
        Map<MailboxActor.DeliveryKey, byte[]> encrypted = new ConcurrentHashMap<>();
        settings.encryption().ifPresent(encryption -> reads.add(remember(encrypt(context, mailbox, encryption,
                deliveries), encrypted::putAll, "the encrypted copies for " + mailbox)));
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> new BatchReads(
                settings, null, delivered, hosted, srsSenders, lastReplies, own.get(), verdicts, encrypted));
    }

    /**
     * The copies an encrypted mailbox keeps, encrypted to its public key on the encryption threads
     * before the batch is built (SPEC section 7: "encrypted as soon as they are stored"), so that
     * the batch writes no content in the clear.
     */
    private static CompletionStage<Map<MailboxActor.DeliveryKey, byte[]>> encrypt(MailboxContext context,
            EmailAddress mailbox, Address.Encryption encryption, List<MailboxActor.Deliver> deliveries) {
        List<byte[]> copies = deliveries.stream()
                .map(deliver -> MailboxActor.withDeliveryHeaders(mailbox.key(), deliver)).toList();
        return context.directory().encryption().crypto().encrypt(encryption.publicKey(), copies).thenApply(sealed -> {
            Map<MailboxActor.DeliveryKey, byte[]> byDelivery = new HashMap<>();
            for (int i = 0; i < deliveries.size(); i++) {
                byDelivery.put(MailboxActor.DeliveryKey.of(deliveries.get(i)), sealed.get(i));
            }
            return byDelivery;
        });
    }

    /** The domains (lower case) of the address's redirect targets, backup copy and its script's redirects. */
    private static List<String> forwardDomains(Address settings,
            Map<MailboxActor.DeliveryKey, ActiveScripts.Verdict> verdicts) {
        List<String> targets = new ArrayList<>(settings.redirect().map(Address.Redirect::targets).orElse(List.of()));
        settings.backupCopy().ifPresent(targets::add);
        if (verdicts != null) {
            verdicts.values().forEach(verdict -> verdict.actions().forEach(action -> {
                if (action instanceof SieveAction.Redirect redirect) {
                    targets.add(redirect.address());
                }
            }));
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String target : targets) {
            try {
                domains.add(EmailAddress.parse(target, true).domainKey());
            } catch (AddressSyntaxException e) {
                // Unread: a forward to it fails its delivery when the batch is built.
            }
        }
        return List.copyOf(domains);
    }

    /** Keeps what a read found; a failed read keeps nothing, and is logged. */
    private static <T> CompletableFuture<Void> remember(CompletionStage<T> read, Consumer<T> keep, String what) {
        return read.toCompletableFuture().handle((value, failure) -> {
            if (failure != null) {
                log.warn("{} not read: {}", what, failure.toString());
            } else {
                keep.accept(value);
            }
            return null;
        });
    }

    // --- what the batch is built from ---

    /** The address's settings now; null when it no longer receives mail here. */
    Address address() {
        return address;
    }

    /** Why the address no longer receives mail here, when {@link #address()} is null. */
    String refusal() {
        return refusal;
    }

    /** The content id the delivery was stored under before ({@link MailboxActor#NOT_KEPT} if none was kept), or -1. */
    long deliveredContent(MailboxActor.Deliver deliver) {
        return known(deliveredContents.get(MailboxActor.DeliveryKey.of(deliver)), "the delivery record");
    }

    /**
     * What the address's active Sieve script made of the delivery; empty when it has none, a
     * failed read defers the delivery.
     */
    Optional<ActiveScripts.Verdict> sieveVerdict(MailboxActor.Deliver deliver) {
        return Optional.ofNullable(known(sieveVerdicts, "the Sieve script").get(MailboxActor.DeliveryKey.of(deliver)));
    }

    /** Whether a forward target's domain is hosted here. */
    boolean hosts(EmailAddress target) {
        return known(hostedDomains.get(target.domainKey()), "whether " + target.domain() + " is hosted");
    }

    /** The sender's SRS form for a forward out of this address; empty when it goes out as it is. */
    Optional<String> srsSender(String sender) {
        return known(srsSenders.get(sender), "the SRS form of " + sender);
    }

    /** Every address that is the address's own (see {@link Directory#ownAddresses}). */
    Set<String> ownAddresses() {
        return known(ownAddresses, "the address's own addresses");
    }

    /**
     * When the responder last answered the sender (lower case), if ever. The null sender (empty)
     * is never answered (RFC 3834 section 2), so never remembered either: it is not read.
     */
    Optional<Instant> lastReply(String senderKey) {
        return senderKey.isEmpty() ? Optional.empty() : known(lastReplies.get(senderKey), "the responder's memory");
    }

    /**
     * The delivery's copy as the mailbox stores it: encrypted when the address is, else empty. When
     * the encryption failed, the delivery fails (it is deferred): the copy is never kept in the clear.
     */
    Optional<byte[]> encryptedCopy(MailboxActor.Deliver deliver) {
        if (address.encryption().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(known(encrypted.get(MailboxActor.DeliveryKey.of(deliver)), "the encrypted copy"));
    }

    /** A read's answer; a read that failed fails the delivery that needs it, which is deferred. */
    private static <T> T known(T value, String what) {
        if (value == null) {
            throw new StoreException(what + " could not be read");
        }
        return value;
    }
}
