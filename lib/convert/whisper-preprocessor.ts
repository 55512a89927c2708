/**
 * The feature-extractor config every Whisper checkpoint shares (16 kHz audio,
 * 30 s windows, 25 ms frames every 10 ms); only the mel bin count varies
 * (80, or 128 for large-v3), and config.json says which (ADR-018 A6).
 */
export function whisperPreprocessorConfig(config: Record<string, unknown>): Record<string, unknown> {
  const melBins = typeof config.num_mel_bins === "number" ? config.num_mel_bins : 80;
  return {
    chunk_length: 30,
    feature_extractor_type: "WhisperFeatureExtractor",
    feature_size: melBins,
    hop_length: 160,
    n_fft: 400,
    n_samples: 480000,
    nb_max_frames: 3000,
    padding_side: "right",
    padding_value: 0.0,
    processor_class: "WhisperProcessor",
    return_attention_mask: false,
    sampling_rate: 16000,
  };
}
