using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lion.Core;

/// <summary>Writes and reads the project's enums as their <see cref="Vocabulary{T}"/> words in JSON.</summary>
public sealed class VocabularyJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(WordConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class WordConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Vocabulary<T>.TryParse(reader.GetString(), out var value) ? value
                : throw new JsonException($"expected {Vocabulary<T>.Listing}");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Vocabulary<T>.Word(value));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(Vocabulary<T>.Word(value));
    }
}
