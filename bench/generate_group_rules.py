#!/usr/bin/env python3
"""Write a synthetic Terraform plan of one security group with many rules.

Usage: generate_group_rules.py COUNT OUTPUT

The plan holds one aws_security_group and COUNT aws_security_group_rule
resources that all fold onto it, each from its own CIDR block. Folding
every rule onto one group must take time linear in COUNT: an earlier
version compared each rule with every rule already folded.
"""
import json
import sys


def main() -> int:
    count, output = int(sys.argv[1]), sys.argv[2]
    changes = [{'address': 'aws_security_group.target', 'mode': 'managed',
                'type': 'aws_security_group', 'name': 'target',
                'change': {'actions': ['create'], 'after': {'id': 'sg-target', 'name': 'target'},
                           'after_unknown': {'ingress': True, 'egress': True}}}]
    for i in range(count):
        changes.append({
            'address': f'aws_security_group_rule.r{i}', 'mode': 'managed',
            'type': 'aws_security_group_rule', 'name': f'r{i}',
            'change': {'actions': ['create'], 'after': {
                'type': 'ingress', 'security_group_id': 'sg-target', 'from_port': 22,
                'to_port': 22, 'protocol': 'tcp',
                'cidr_blocks': [f'10.{i // 256 % 256}.{i % 256}.0/24']},
                'after_unknown': {}}})
    plan = {'format_version': '1.2', 'terraform_version': '1.9.5', 'resource_changes': changes}
    with open(output, 'w', encoding='utf-8') as f:
        json.dump(plan, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
