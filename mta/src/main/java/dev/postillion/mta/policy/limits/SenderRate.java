package dev.postillion.mta.policy.limits;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.mailbox.MailServices;
import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.mta.policy.RecordLoading;
import dev.postillion.mta.policy.WritesUnderWay;
import dev.postillion.mta.policy.limits.proto.SenderRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one authenticated user has sent in the current UTC hour and day, against its
 * {@link SendingLimit}s: the per-user counterpart of {@link ClientRate}, reached the same way,
 * through Cluster Sharding keyed by the address, so that every node of a cluster counts the
 * user's mail together. Unlike a client's minute, an hour's and a day's counts must outlive a
 * passivation or a move to another node (else a compromised account would only need to wait for
 * one), so the counter is the only writer of its record in the store, read when it starts.
 *
 * <p>Messages are counted when the spool has taken them ({@link Count}), not at MAIL or RCPT: a
 * transaction refused later (by a recipient, the content rules, the client leaving) then costs the
 * user nothing, and a message is never counted in part. The price is that a user's concurrent
 * transactions are all checked against the counts before any of them is counted, so a user can
 * exceed a limit by the messages in flight at once, which the per-client connection limits bound.
 *
 * <p>The limits in force are, per limit, the address's override, else the defaults of the mail
 * service owning its domain, else the node's. The service's are read from the directory's cache
 * each time a standing is asked for, so that an operator's change applies at the user's next MAIL;
 * the answer comes back as a message, never blocking the counter.
 */
public final class SenderRate extends AbstractBehavior<SenderRate.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "SenderRate");

    public sealed interface Command {}

    /** Where does the sender stand? Asked at MAIL. */
    public record Standing(ActorRef<SenderStanding> replyTo) implements Command {}

    /** The spool took a message of the sender with this many recipients. */
    public record Count(int recipients) implements Command {}

    /** The operator's override of the sender's limits, replacing any earlier one; empty removes it. */
    public record SetOverride(Map<SendingLimit, Integer> limits, ActorRef<SenderStanding> replyTo) implements Command {}

    /** Sharding's stop message: the actor stops once its writes have landed. */
    public record Passivate() implements Command {}

    private record Written() implements Command {}

    private record Loaded(Optional<byte[]> value, Throwable failure) implements Command {}

    /** The service's defaults as the directory answered, to answer {@code replyTo} with. */
    private record ServiceDefaults(Map<String, Integer> limits, Throwable failure, ActorRef<SenderStanding> replyTo)
            implements Command {}

    private static final Logger LOG = LoggerFactory.getLogger(SenderRate.class);

    /** Store keys of senders' records: this, then the address. */
    static final String RECORD_PREFIX = "a/";
    /** Store keys of the per-day copies: this, then the ISO date, "/" and the address. */
    static final String DAY_PREFIX = "d/";

    private final String address;
    private final Clock clock;
    private final Map<SendingLimit, Integer> nodeDefaults;
    private final MailServices services;
    private final WritesUnderWay<Command> writes;
    private SenderRecord record;
    /** The service's defaults as last read: none until then. */
    private Map<SendingLimit, Integer> serviceDefaults = Map.of();

    /**
     * @param services where the defaults of the service owning the address's domain are read
     */
    public static Behavior<Command> create(String address, Store store, Clock clock,
            Map<SendingLimit, Integer> nodeDefaults, MailServices services) {
        return RecordLoading.readThen(Command.class, Loaded.class, store, PolicyFamilies.SENDERS, recordKey(address),
                Loaded::new, Loaded::value, Loaded::failure,
                (ctx, stored) -> new SenderRate(ctx, address, stored, store, clock, nodeDefaults, services));
    }

    private SenderRate(ActorContext<Command> ctx, String address, Optional<byte[]> stored, Store store, Clock clock,
            Map<SendingLimit, Integer> nodeDefaults, MailServices services) {
        super(ctx);
        this.address = address;
        this.clock = clock;
        this.nodeDefaults = nodeDefaults;
        this.services = services;
        this.record = stored.map(SenderRate::parse).orElse(SenderRecord.getDefaultInstance());
        this.writes = new WritesUnderWay<>(ctx, store, Written::new);
    }

    static byte[] recordKey(String address) {
        return (RECORD_PREFIX + address).getBytes(StandardCharsets.UTF_8);
    }

    /** The prefix of one UTC day's copies, the senders that sent that day. */
    static String dayPrefix(Instant dayStart) {
        return DAY_PREFIX + LocalDate.ofInstant(dayStart, ZoneOffset.UTC) + "/";
    }

    static SenderRecord parse(byte[] bytes) {
        try {
            return SenderRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt sender record: " + e.getMessage(), e);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Standing.class, this::onStanding)
                .onMessage(Count.class, this::onCount)
                .onMessage(SetOverride.class, this::onOverride)
                .onMessage(ServiceDefaults.class, this::onServiceDefaults)
                .onMessage(Written.class, written -> writes.landedAndMayStop() ? Behaviors.stopped() : this)
                .onMessage(Passivate.class, passivate -> writes.passivateAndMayStop() ? Behaviors.stopped() : this)
                .build();
    }

    private Behavior<Command> onStanding(Standing standing) {
        answerWithServiceDefaults(standing.replyTo());
        return this;
    }

    /** Reads the service's defaults, then answers the standing with them ({@link #onServiceDefaults}). */
    private void answerWithServiceDefaults(ActorRef<SenderStanding> replyTo) {
        getContext().pipeToSelf(services.sendingLimits(address.substring(address.lastIndexOf('@') + 1)),
                (limits, failure) -> new ServiceDefaults(limits, failure, replyTo));
    }

    /** A directory that cannot be read now leaves the defaults last read in force, rather than none. */
    private Behavior<Command> onServiceDefaults(ServiceDefaults read) {
        if (read.failure() == null) {
            serviceDefaults = SendingLimit.byKeys(read.limits());
        } else {
            LOG.warn("service sending limits of {} not read, the last ones read apply: {}", address,
                    read.failure().toString());
        }
        read.replyTo().tell(standing(current(record, clock.instant())));
        return this;
    }

    private Behavior<Command> onCount(Count count) {
        SenderRecord now = current(record, clock.instant());
        save(now.toBuilder()
                .setHourMessages(saturated(now.getHourMessages(), 1))
                .setDayMessages(saturated(now.getDayMessages(), 1))
                .setHourRecipients(saturated(now.getHourRecipients(), count.recipients()))
                .setDayRecipients(saturated(now.getDayRecipients(), count.recipients())));
        return this;
    }

    private Behavior<Command> onOverride(SetOverride override) {
        SenderRecord now = current(record, clock.instant());
        save(now.toBuilder().clearOverride().putAllOverride(SendingLimit.keyed(override.limits())));
        answerWithServiceDefaults(override.replyTo());
        return this;
    }

    private static int saturated(int count, int more) {
        return (int) Math.min(Integer.MAX_VALUE, (long) count + more);
    }

    /**
     * The record with its windows moved to the hour and day of {@code now}: a count of an earlier
     * window is 0 in this one.
     */
    static SenderRecord current(SenderRecord record, Instant now) {
        long hour = now.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
        long day = now.truncatedTo(ChronoUnit.DAYS).toEpochMilli();
        SenderRecord.Builder moved = record.toBuilder();
        if (record.getHourStartEpochMillis() != hour) {
            moved.setHourStartEpochMillis(hour).setHourMessages(0).setHourRecipients(0);
        }
        if (record.getDayStartEpochMillis() != day) {
            moved.setDayStartEpochMillis(day).setDayMessages(0).setDayRecipients(0);
        }
        return moved.build();
    }

    /**
     * Writes the record, with the limits now in force for the listing. The day's copy is written
     * once the day has counted something, and the copy of an earlier day goes in the same batch.
     */
    private void save(SenderRecord.Builder changed) {
        changed.clearLimits().putAllLimits(SendingLimit.keyed(limits(changed.getOverrideMap())));
        SenderRecord previous = record;
        record = changed.build();
        byte[] value = record.toByteArray();
        StoreBatch batch = new StoreBatch().put(PolicyFamilies.SENDERS, recordKey(address), value);
        if (previous.getDayMessages() > 0
                && previous.getDayStartEpochMillis() != record.getDayStartEpochMillis()) {
            batch.delete(PolicyFamilies.SENDERS, dayKey(Instant.ofEpochMilli(previous.getDayStartEpochMillis())));
        }
        if (record.getDayMessages() > 0) {
            batch.put(PolicyFamilies.SENDERS, dayKey(Instant.ofEpochMilli(record.getDayStartEpochMillis())), value);
        }
        writes.write(batch);
    }

    private byte[] dayKey(Instant dayStart) {
        return (dayPrefix(dayStart) + address).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The limits in force, per limit: the operator's override for this address, else its mail
     * service's default, else the node's ({@code postillion.limits.sending}).
     */
    private Map<SendingLimit, Integer> limits(Map<String, Integer> override) {
        Map<SendingLimit, Integer> limits = new EnumMap<>(nodeDefaults);
        limits.putAll(serviceDefaults);
        limits.putAll(SendingLimit.byKeys(override));
        return limits;
    }

    private SenderStanding standing(SenderRecord current) {
        return standingOf(current, limits(current.getOverrideMap()));
    }

    /** The standing a record shows, with {@code limits} in force; its windows must be current. */
    static SenderStanding standingOf(SenderRecord current, Map<SendingLimit, Integer> limits) {
        Map<SendingLimit, Integer> used = new EnumMap<>(SendingLimit.class);
        used.put(SendingLimit.MESSAGES_PER_HOUR, current.getHourMessages());
        used.put(SendingLimit.MESSAGES_PER_DAY, current.getDayMessages());
        used.put(SendingLimit.RECIPIENTS_PER_HOUR, current.getHourRecipients());
        used.put(SendingLimit.RECIPIENTS_PER_DAY, current.getDayRecipients());
        Instant hour = Instant.ofEpochMilli(current.getHourStartEpochMillis());
        Instant day = Instant.ofEpochMilli(current.getDayStartEpochMillis());
        return new SenderStanding(limits, used, SendingLimit.byKeys(current.getOverrideMap()), hour.plus(1, ChronoUnit.HOURS), day.plus(1, ChronoUnit.DAYS));
    }
}
