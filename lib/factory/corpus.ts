/**
 * Text the factory's tokenizer learns its merges from. Plain English with some
 * punctuation, digits and code so that common words become single tokens.
 */
export const TOKENIZER_CORPUS = `
The quick brown fox jumps over the lazy dog. A model is a folder of weights, a config and a tokenizer.
When the index names a shard that is not there, the model will not load. Whetstone reads the header of
every shard, rebuilds the index and checks the model again. The user sees what is wrong and how to fix it.
Hello, how are you today? I am fine, thank you. What would you like to talk about? Let us talk about
language models, quantization and the weather. It is a sunny day and the sky is blue. The river runs
to the sea, and the sea is deep. There are 12 months in a year, 7 days in a week and 24 hours in a day.
In 2024 and 2025 people ran small models on their own machines. They wanted answers that were fast,
private and correct. A good tool tells you the truth about your files: which ones are missing, which
ones are broken, and which ones are fine. It never changes the original, and it always writes a new
folder for the result. You can chat with the result, push it to the hub or quantize it to four bits.
def add(a, b):
    return a + b
for i in range(10):
    print(i * 2)
{"name": "model", "size": 1024, "ok": true}
Question: What is the capital of France? Answer: The capital of France is Paris.
Question: What is two plus two? Answer: Two plus two is four.
Once upon a time there was a little robot who wanted to learn. Every day it read a book, and every night
it wrote down what it had learned. After many days the robot could answer questions, tell stories and
write small programs. The other robots asked how it had become so clever, and it said: read, write,
and check your work.
`;
