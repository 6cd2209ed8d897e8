package dev.postillion.core.testing;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/** Messages through the serializer Pekko binds to them and back, as they travel to another node. */
public final class SerializedMessages {

    private SerializedMessages() {}

    /** The message as the receiving node reads it. */
    public static Object roundTrip(ActorSystem<?> system, Object message) {
        Serialization serialization = SerializationExtension.get(system);
        Serializer serializer = serialization.findSerializerFor(message);
        byte[] bytes = serialization.serialize(message).get();
        return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
                .get();
    }

    /** The serializer Pekko binds to the message. */
    public static Serializer serializerOf(ActorSystem<?> system, Object message) {
        return SerializationExtension.get(system).findSerializerFor(message);
    }
}
