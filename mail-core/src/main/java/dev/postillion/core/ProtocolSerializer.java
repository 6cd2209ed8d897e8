package dev.postillion.core;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Serialization of one actor protocol for messages that cross nodes of the cluster: each message
 * type is bound to a short manifest and to its Protobuf encoding, so that a protocol's serializer
 * is a table of its messages. Actor references travel in Pekko's string form ({@link #resolver}).
 * Each subclass is bound to its messages in the reference.conf of its module.
 */
public abstract class ProtocolSerializer extends SerializerWithStringManifest {

    /** Reads a message from its Protobuf bytes. */
    protected interface Decoder {
        Object decode(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private record Binding(String manifest, Function<Object, byte[]> encoder, Decoder decoder) {}

    private static final byte[] EMPTY = new byte[0];

    /** Actor references to and from their serialization format. */
    protected final ActorRefResolver resolver;
    private final int identifier;
    private final String protocol;
    private final Map<Class<?>, Binding> byType = new HashMap<>();
    private final Map<String, Binding> byManifest = new HashMap<>();

    /**
     * @param identifier unique among the node's serializers (Pekko reserves 0 to 40)
     * @param protocol what the messages are, for errors ("greylist", "mailbox")
     */
    protected ProtocolSerializer(ExtendedActorSystem system, int identifier, String protocol) {
        this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
        this.identifier = identifier;
        this.protocol = protocol;
    }

    /** Binds a message type (a record, so its class is exact) to a manifest and its encoding. */
    protected final <T> void bind(String manifest, Class<T> type, Function<T, byte[]> encoder, Decoder decoder) {
        Binding binding = new Binding(manifest, message -> encoder.apply(type.cast(message)), decoder);
        if (byManifest.putIfAbsent(manifest, binding) != null || byType.putIfAbsent(type, binding) != null) {
            throw new IllegalArgumentException("manifest " + manifest + " or " + type + " bound twice");
        }
    }

    /** Binds a message type that carries nothing, such as a passivation request. */
    protected final <T> void bind(String manifest, Class<T> type, Supplier<T> instance) {
        bind(manifest, type, message -> EMPTY, bytes -> instance.get());
    }

    @Override
    public final int identifier() {
        return identifier;
    }

    @Override
    public final String manifest(Object message) {
        return binding(message).manifest();
    }

    @Override
    public final byte[] toBinary(Object message) {
        return binding(message).encoder().apply(message);
    }

    @Override
    public final Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Binding binding = byManifest.get(manifest);
        if (binding == null) {
            throw new NotSerializableException("unknown " + protocol + " message manifest '" + manifest + "'");
        }
        try {
            return binding.decoder().decode(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new NotSerializableException("corrupt " + protocol + " message: " + e.getMessage());
        }
    }

    private Binding binding(Object message) {
        Binding binding = byType.get(message.getClass());
        if (binding == null) {
            throw new IllegalArgumentException("not a " + protocol + " message: " + message.getClass());
        }
        return binding;
    }
}
