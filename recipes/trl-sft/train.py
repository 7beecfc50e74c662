#!/usr/bin/env python3
"""Fine-tune a student for lion with TRL's SFTTrainer, full or LoRA.

lion runs it once per iteration as its student.train_command:

    torchrun --nproc_per_node 8 $LION_RECIPES/trl-sft/train.py --data {data} --previous {previous} --output {output}

--data      lion's training set: Alpaca JSON, a list of {instruction, input, output}
--previous  what to continue from: a model folder, or a PEFT adapter folder (LoRA)
--output    an empty folder that becomes the new checkpoint

The prompt is the model's own chat template (tokenizer.apply_chat_template), so vLLM serves the
checkpoint with the prompts it was trained on; the loss is on the answer only. With --lora-rank
it saves a PEFT adapter (for student.reload: lora), else the whole model.

Written against TRL 0.2x's conversational prompt-completion datasets. Assumes: one or more NVIDIA GPUs with bf16 (A100, H100), torch, transformers, trl and peft
installed (pip install torch transformers trl peft datasets). For several GPUs, start it with
torchrun --nproc_per_node N, or accelerate launch with an FSDP or DeepSpeed config.
"""
import argparse
import json
import os


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--previous", required=True, help="model folder or PEFT adapter folder")
    parser.add_argument("--output", required=True)
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--batch-size", type=int, default=8, help="examples per GPU per step")
    parser.add_argument("--effective-batch", type=int, default=128,
                        help="examples per optimizer step over every GPU (the paper's 128): gradient accumulation makes up the rest")
    parser.add_argument("--max-length", type=int, default=1024)
    parser.add_argument("--lora-rank", type=int, default=0, help="0: train every weight")
    parser.add_argument("--lora-alpha", type=int, default=16)
    return parser.parse_args()


def conversations(path):
    """Alpaca records as a user turn (the prompt) and the teacher's answer (the completion, the only part with loss)."""
    with open(path, encoding="utf-8") as handle:
        records = json.load(handle)
    for record in records:
        question = record["instruction"] if not record.get("input") else record["instruction"] + "\n\n" + record["input"]
        yield {"prompt": [{"role": "user", "content": question}], "completion": [{"role": "assistant", "content": record["output"]}]}


def main():
    args = parse_args()
    from datasets import Dataset
    from peft import LoraConfig, PeftConfig, PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    adapter = os.path.exists(os.path.join(args.previous, "adapter_config.json"))
    base = PeftConfig.from_pretrained(args.previous).base_model_name_or_path if adapter else args.previous
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForCausalLM.from_pretrained(base, torch_dtype="bfloat16")
    peft_config = None
    if adapter:
        # Train the same adapter on: the server loads each iteration's adapter on the same base.
        model = PeftModel.from_pretrained(model, args.previous, is_trainable=True)
    elif args.lora_rank > 0:
        peft_config = LoraConfig(r=args.lora_rank, lora_alpha=args.lora_alpha, lora_dropout=0.0, task_type="CAUSAL_LM",
                                 target_modules=["q_proj", "k_proj", "v_proj", "o_proj"])

    # torchrun sets WORLD_SIZE: the accumulation keeps the effective batch whatever the number of GPUs.
    world = int(os.environ.get("WORLD_SIZE", "1"))
    accumulation = max(1, round(args.effective_batch / (args.batch_size * world)))
    if accumulation * args.batch_size * world != args.effective_batch:
        print(f"effective batch {accumulation * args.batch_size * world} (asked {args.effective_batch}): "
              f"{args.batch_size} per GPU x {world} GPUs does not divide it")
    config = SFTConfig(
        output_dir=args.output,
        num_train_epochs=args.epochs,
        learning_rate=args.learning_rate,
        per_device_train_batch_size=args.batch_size,
        gradient_accumulation_steps=accumulation,
        max_length=args.max_length,
        lr_scheduler_type="cosine",
        warmup_ratio=0.03,
        weight_decay=0.0,
        bf16=True,
        completion_only_loss=True,
        save_strategy="no",
        report_to=[],
        logging_steps=10,
    )
    trainer = SFTTrainer(model=model, args=config, train_dataset=Dataset.from_list(list(conversations(args.data))),
                         processing_class=tokenizer, peft_config=peft_config)
    trainer.train()
    trainer.save_model(args.output)
    tokenizer.save_pretrained(args.output)


if __name__ == "__main__":
    main()
