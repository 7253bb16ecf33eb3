// Decodes envelopes with the Java classes protoc generated from the exported
// .proto: java Decode INPUT ENVELOPE_CLASS. INPUT holds one envelope a line
// (hex); prints "<event field>\t<unknown fields>\t<bytes re-encoded, hex>".
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

public final class Decode {
    // Unknown fields anywhere: a field the generated code does not know lands there.
    static int unknown(Message message) {
        int count = message.getUnknownFields().asMap().size();
        for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
            if (entry.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) continue;
            if (entry.getKey().isRepeated()) {
                for (Object item : (List<?>) entry.getValue()) count += unknown((Message) item);
            } else {
                count += unknown((Message) entry.getValue());
            }
        }
        return count;
    }

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName(args[1]);
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.US_ASCII)) {
            byte[] bytes = new byte[line.length() / 2];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) Integer.parseInt(line.substring(2 * i, 2 * i + 2), 16);
            Message envelope = (Message) type.getMethod("parseFrom", byte[].class).invoke(null, (Object) bytes);
            FieldDescriptor event = envelope.getOneofFieldDescriptor(envelope.getDescriptorForType().getOneofs().get(0));
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            CodedOutputStream coded = CodedOutputStream.newInstance(buffer);
            coded.useDeterministicSerialization();
            envelope.writeTo(coded);
            coded.flush();
            StringBuilder hex = new StringBuilder();
            for (byte b : buffer.toByteArray()) hex.append(String.format("%02x", b & 0xff));
            out.append(event == null ? "-" : event.getName()).append('\t').append(unknown(envelope)).append('\t')
                .append(hex).append('\n');
        }
        System.out.print(out);
    }
}
