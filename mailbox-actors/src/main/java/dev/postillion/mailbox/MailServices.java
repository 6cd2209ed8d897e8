package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.conflict;
import static dev.postillion.mailbox.DirectoryException.invalid;
import static dev.postillion.mailbox.DirectoryException.notFound;
import static dev.postillion.mailbox.DirectoryStore.LIST_LIMIT;
import static dev.postillion.mailbox.DirectoryStore.await;

import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.proto.DomainRecord;
import dev.postillion.mailbox.proto.ServiceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The mail services (SPEC section 1): each owns primary domains (an alias domain belongs to its
 * primary's service) and a quota of addresses, counted over all its domains. Aliases are no
 * addresses: the quota counts mailboxes and no-reply addresses, what a hosting provider sells.
 *
 * <p>Each {@code ServiceRecord} keeps its counts of addresses and domains, changed in the same
 * batch as the address or domain they count and written by the {@link DirectoryStore}'s changes:
 * one node's changes run one at a time on its writer thread, and two nodes' changes to one service
 * both read its record, so that the later one's write is refused and runs again on the new count
 * ({@link ChangeReads}). Two creations racing for a service's last address thus never both land.
 *
 * <p>Domains stored before services existed have none: each becomes a service of its own, named
 * after it and without a quota, counting its addresses once ({@link #adoptDomains} at start, or
 * {@link #adopted} when a change meets one first).
 */
public final class MailServices {

    private static final int NAME_LIMIT = 253;

    private final DirectoryStore records;

    MailServices(DirectoryStore records) {
        this.records = records;
    }

    // --- the admin's requests ---

    /** A new service without domains; {@code addressQuota} empty: no limit. */
    public CompletionStage<MailService> create(String name, OptionalInt addressQuota) {
        return records.change(() -> {
            String key = checkName(name);
            checkQuota(addressQuota);
            if (await(records.service(key)).isPresent()) {
                throw conflict("service " + key + " exists already");
            }
            ServiceRecord.Builder record = newService(key);
            addressQuota.ifPresent(record::setAddressQuota);
            return save(record.build(), new StoreBatch());
        });
    }

    /** Every service with its domains, by name. */
    public CompletionStage<List<MailService>> list() {
        return records.prefix(DirectoryStore.servicePrefix(), LIST_LIMIT)
                .thenCombine(domainIndex(""), (services, domains) -> services.stream()
                        .map(entry -> DirectoryStore.parse(ServiceRecord::parseFrom, entry.value()))
                        .map(service -> MailService.of(service, domains.getOrDefault(service.getName(), List.of())))
                        .toList());
    }

    /** The service, or NOT_FOUND naming it. */
    public CompletionStage<MailService> get(String name) {
        return require(name).thenCompose(service -> domainIndex(service.getName())
                .thenApply(domains -> MailService.of(service, domains.getOrDefault(service.getName(), List.of()))));
    }

    /**
     * What {@code PATCH /api/v1/services/{name}} changes; each part present is changed, the others
     * kept.
     *
     * @param addressQuota the new quota, empty: no limit. A quota below the addresses the service
     *     has is taken: nothing is deleted, but no address can be created until it has fewer than
     *     the quota (an operator downgrading a customer's plan decides which addresses go).
     * @param maintenance whether its domains' mailboxes can no longer be read (SPEC section 1)
     * @param sendingLimits its defaults for the limits on what its users send, by limit name (the
     *     caller knows the names): a count (0: no limit) sets one, empty removes it, so that the
     *     node's limit applies again; limits not named are kept
     */
    public record Change(Optional<OptionalInt> addressQuota, Optional<Boolean> maintenance,
            Map<String, OptionalInt> sendingLimits) {

        public Change {
            sendingLimits = Map.copyOf(sendingLimits);
        }

        /** Only the quota. */
        public static Change quota(OptionalInt addressQuota) {
            return new Change(Optional.of(addressQuota), Optional.empty(), Map.of());
        }
    }

    /** Applies the change to the service, in one write; answers the service as changed. */
    public CompletionStage<MailService> update(String name, Change change) {
        return records.change(() -> {
            change.addressQuota().ifPresent(MailServices::checkQuota);
            change.sendingLimits().forEach(MailServices::checkSendingLimit);
            ServiceRecord.Builder record = await(require(name)).toBuilder();
            change.addressQuota().ifPresent(quota -> quota.ifPresentOrElse(record::setAddressQuota,
                    record::clearAddressQuota));
            change.maintenance().ifPresent(record::setMaintenance);
            change.sendingLimits().forEach((limit, count) -> count.ifPresentOrElse(
                    value -> record.putSendingLimits(limit, value), () -> record.removeSendingLimits(limit)));
            return save(record.build(), new StoreBatch());
        });
    }

    // --- what sessions and counters ask of a domain's service: from the cache, never blocking ---

    /**
     * Whether the domain's mailboxes cannot be read (SPEC section 1): the domain itself, or the
     * service owning it (its primary's, for an alias domain), is in maintenance. False for a
     * domain not hosted.
     */
    public CompletionStage<Boolean> inMaintenance(String domain) {
        return records.domain(domain).thenCompose(found -> found.isEmpty() || found.get().getMaintenance()
                ? CompletableFuture.completedFuture(found.isPresent())
                : owner(found.get()).thenApply(service -> service.map(ServiceRecord::getMaintenance).orElse(false)));
    }

    /**
     * The sending-limit defaults of the service owning the domain, by limit name; empty when it has
     * none, or the domain is not hosted.
     */
    public CompletionStage<Map<String, Integer>> sendingLimits(String domain) {
        return records.domain(domain).thenCompose(found -> found.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<ServiceRecord>empty()) : owner(found.get()))
                .thenApply(service -> service.map(ServiceRecord::getSendingLimitsMap).orElse(Map.of()));
    }

    /** The service owning a domain: its primary's for an alias domain; the one named after it before adoption. */
    private CompletionStage<Optional<ServiceRecord>> owner(DomainRecord domain) {
        CompletionStage<Optional<DomainRecord>> primary = domain.getAliasOf().isEmpty()
                ? CompletableFuture.completedFuture(Optional.of(domain)) : records.domain(domain.getAliasOf());
        return primary.thenCompose(found -> found.isEmpty() ? CompletableFuture.completedFuture(Optional.empty())
                : records.service(found.get().getService().isEmpty() ? found.get().getName()
                        : found.get().getService()));
    }

    /** Deletes a service that owns no domain any more; one that does is a conflict, never a cascade. */
    public CompletionStage<Void> delete(String name) {
        return records.change(() -> {
            ServiceRecord service = await(require(name));
            if (service.getDomains() > 0) {
                throw conflict("service " + service.getName() + " still owns " + service.getDomains()
                        + " domain(s): " + String.join(", ", await(domainIndex(service.getName()))
                                .getOrDefault(service.getName(), List.of()))
                        + "; delete them or move them to another service first");
            }
            records.commit(new StoreBatch()
                    .delete(MailboxFamilies.DIRECTORY, DirectoryStore.serviceKey(service.getName()))
                    .delete(MailboxFamilies.DIRECTORY, DirectoryStore.importKey(service.getName())));
            return null;
        });
    }

    /**
     * Moves a primary domain, its addresses and alias domains to another service, if that one's
     * quota has room for the addresses; they leave the old service's count.
     */
    public CompletionStage<Domain> move(String domain, String service) {
        return records.change(() -> {
            DomainRecord primary = adopted(await(records.requirePrimary(domain)));
            ServiceRecord target = named(service);
            if (target.getName().equals(primary.getService())) {
                return Domain.of(primary);
            }
            ServiceRecord source = await(require(primary.getService()));
            int addresses = await(records.count(DirectoryStore.addressPrefix(primary.getName())));
            checkRoom(target, addresses);
            DomainRecord moved = primary.toBuilder().setService(target.getName()).build();
            String name = moved.getName();
            StoreBatch batch = new StoreBatch()
                    .put(MailboxFamilies.DIRECTORY, DirectoryStore.domainKey(name), moved.toByteArray())
                    .delete(MailboxFamilies.DIRECTORY, DirectoryStore.serviceDomainKey(source.getName(), name))
                    .put(MailboxFamilies.DIRECTORY, DirectoryStore.serviceDomainKey(target.getName(), name), new byte[0]);
            put(batch, counted(source, -addresses, -1));
            put(batch, counted(target, addresses, 1));
            records.commit(batch);
            return Domain.of(moved);
        });
    }

    /**
     * Gives every domain stored before services a service of its own, once, at start: each in a
     * change of its own, so that several nodes starting at once adopt each domain once (the later
     * change finds it adopted).
     */
    public CompletionStage<Integer> adoptDomains() {
        return records.prefix(DirectoryStore.domainPrefix(), LIST_LIMIT).thenCompose(entries -> {
            List<CompletableFuture<Boolean>> adoptions = entries.stream()
                    .map(entry -> DirectoryStore.parse(DomainRecord::parseFrom, entry.value()))
                    .filter(MailServices::unowned)
                    .map(domain -> records.change(() -> adoptOnce(domain.getName())).toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(adoptions.toArray(CompletableFuture[]::new)).thenApply(done -> (int) adoptions
                    .stream().filter(CompletableFuture::join).count()); // joins wait for nothing
        });
    }

    /** Whether the domain was adopted now: not if it is gone, or another node adopted it meanwhile. */
    private boolean adoptOnce(String domain) {
        Optional<DomainRecord> record = await(records.domain(domain)).filter(MailServices::unowned);
        record.ifPresent(this::adopted);
        return record.isPresent();
    }

    // --- within the directory's changes, on the writer thread ---

    /**
     * The records of a new primary domain in {@code service}, or without one in the service named
     * after the domain, created (without a quota) if there is none: added to {@code batch}.
     */
    DomainRecord join(DomainRecord domain, Optional<String> service, StoreBatch batch) {
        return join(domain, service, 0, batch);
    }

    private DomainRecord join(DomainRecord domain, Optional<String> service, int addresses, StoreBatch batch) {
        ServiceRecord owner = service.isPresent() ? named(service.get())
                : await(records.service(domain.getName())).orElseGet(() -> newService(domain.getName()).build());
        DomainRecord owned = domain.toBuilder().setService(owner.getName()).build();
        batch.put(MailboxFamilies.DIRECTORY, DirectoryStore.domainKey(owned.getName()), owned.toByteArray())
                .put(MailboxFamilies.DIRECTORY, DirectoryStore.serviceDomainKey(owner.getName(), owned.getName()),
                        new byte[0]);
        put(batch, counted(owner, addresses, 1));
        return owned;
    }

    /**
     * Adds to {@code batch} the removal of a domain, which has no addresses left, from its service;
     * nothing for an alias domain, which has no service of its own.
     */
    void leave(DomainRecord domain, StoreBatch batch) {
        if (domain.getService().isEmpty()) {
            return;
        }
        ServiceRecord owner = await(require(domain.getService()));
        batch.delete(MailboxFamilies.DIRECTORY, DirectoryStore.serviceDomainKey(owner.getName(), domain.getName()));
        put(batch, counted(owner, 0, -1));
    }

    /**
     * Counts {@code addresses} more (or, negative, fewer) addresses of the domain's service in
     * {@code batch}, the batch that creates or deletes them; more than its quota has room for is a
     * conflict naming the quota.
     *
     * @param primary the domain as {@link #adopted} answers it
     */
    void countAddresses(DomainRecord primary, int addresses, StoreBatch batch) {
        ServiceRecord service = await(require(primary.getService()));
        if (addresses > 0) {
            checkRoom(service, addresses);
        }
        put(batch, counted(service, addresses, 0));
    }

    /** Whether the domain's service has room for {@code addresses} more: a conflict naming its quota if not. */
    void checkRoom(DomainRecord primary, int addresses) {
        checkRoom(await(require(primary.getService())), addresses);
    }

    /**
     * The primary domain with its service: a domain stored before services gets one of its own now,
     * named after it, counting its addresses (a scan of that one domain's keys, once), in a commit
     * of its own within the change under way.
     */
    DomainRecord adopted(DomainRecord primary) {
        if (!unowned(primary)) {
            return primary;
        }
        StoreBatch batch = new StoreBatch();
        DomainRecord owned = join(primary, Optional.empty(),
                await(records.count(DirectoryStore.addressPrefix(primary.getName()))), batch);
        records.commit(batch);
        return owned;
    }

    // --- helpers ---

    private static boolean unowned(DomainRecord domain) {
        return domain.getService().isEmpty() && domain.getAliasOf().isEmpty();
    }

    private static void checkRoom(ServiceRecord service, int addresses) {
        if (!service.hasAddressQuota() || service.getAddresses() + addresses <= service.getAddressQuota()) {
            return;
        }
        String owner = "service " + service.getName();
        throw conflict(addresses == 1 && service.getAddresses() >= service.getAddressQuota()
                ? owner + " has reached its quota of " + service.getAddressQuota()
                        + " addresses; raise the quota to create more"
                : owner + " has " + service.getAddresses() + " of its quota of " + service.getAddressQuota()
                        + " addresses: " + addresses + " more would exceed it; raise the quota to create more");
    }

    private ServiceRecord.Builder newService(String name) {
        return ServiceRecord.newBuilder().setName(name).setCreatedEpochMillis(records.clock().millis());
    }

    private static ServiceRecord counted(ServiceRecord service, int addresses, int domains) {
        return service.toBuilder()
                .setAddresses(Math.max(0, service.getAddresses() + addresses))
                .setDomains(Math.max(0, service.getDomains() + domains))
                .build();
    }

    private static void put(StoreBatch batch, ServiceRecord service) {
        batch.put(MailboxFamilies.DIRECTORY, DirectoryStore.serviceKey(service.getName()), service.toByteArray());
    }

    private MailService save(ServiceRecord service, StoreBatch batch) {
        put(batch, service);
        records.commit(batch);
        return MailService.of(service, await(domainIndex(service.getName())).getOrDefault(service.getName(), List.of()));
    }

    /** The service a request names, or INVALID: a domain cannot join a service that is not there. */
    private ServiceRecord named(String service) {
        return await(records.service(service)).orElseThrow(() -> invalid("no service " + service
                + "; create it first"));
    }

    private CompletionStage<ServiceRecord> require(String name) {
        return records.service(name).thenApply(found -> found.orElseThrow(() -> notFound("no service " + name)));
    }

    /** The domains of every service, or with a name, of that service, from their index. */
    private CompletionStage<Map<String, List<String>>> domainIndex(String service) {
        byte[] prefix = DirectoryStore.serviceDomainPrefix("");
        return records.prefix(DirectoryStore.serviceDomainPrefix(service), LIST_LIMIT).thenApply(entries -> {
            Map<String, List<String>> domains = new HashMap<>();
            for (var entry : entries) {
                String key = new String(entry.key(), prefix.length, entry.key().length - prefix.length,
                        StandardCharsets.UTF_8);
                int slash = key.indexOf('/');
                domains.computeIfAbsent(key.substring(0, slash), name -> new ArrayList<>()).add(key.substring(slash + 1));
            }
            return domains;
        });
    }

    /**
     * A service's name as stored: lower case; letters, digits, '-', '_' and '.', as a domain name
     * has them, so that a domain's own service can be named after it.
     */
    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw invalid("service name is empty");
        }
        if (name.length() > NAME_LIMIT) {
            throw invalid("service name is longer than " + NAME_LIMIT + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                throw invalid("service name '" + name + "' contains '" + c + "': only letters A-Z, digits, '-',"
                        + " '_' and '.' are allowed");
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static void checkQuota(OptionalInt addressQuota) {
        if (addressQuota.isPresent() && addressQuota.getAsInt() < 0) {
            throw invalid("addressQuota must not be negative");
        }
    }

    private static void checkSendingLimit(String limit, OptionalInt count) {
        if (count.isPresent() && count.getAsInt() < 0) {
            throw invalid("sending limit " + limit + " must be 0 (no limit) or more");
        }
    }
}
