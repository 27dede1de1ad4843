#!/usr/bin/env python3
"""Write a synthetic Terraform plan for benchmarks.

Usage: generate_plan.py COUNT OUTPUT

The plan holds COUNT groups of four resources: a VPC, a security group in it
(half open to the world on port 22), a flow log for the VPC, and an S3 bucket
with a public read policy. References go through `configuration`, with the
flow log's and group's vpc_id unknown until apply, as in real plans. The
shape exercises the adapter, folding, joins and the IAM operators.
"""
import json
import sys


def main() -> int:
    count, output = int(sys.argv[1]), sys.argv[2]
    changes, config = [], []
    for i in range(count):
        changes += [
            {'address': f'aws_vpc.v{i}', 'mode': 'managed', 'type': 'aws_vpc', 'name': f'v{i}',
             'change': {'actions': ['create'], 'after': {'cidr_block': '10.0.0.0/16'},
                        'after_unknown': {'id': True, 'arn': True}}},
            {'address': f'aws_security_group.sg{i}', 'mode': 'managed',
             'type': 'aws_security_group', 'name': f'sg{i}',
             'change': {'actions': ['create'],
                        'after': {'name': f'sg{i}', 'ingress': [{
                            'from_port': 22, 'to_port': 22, 'protocol': 'tcp',
                            'cidr_blocks': ['0.0.0.0/0' if i % 2 else '10.0.0.0/8'],
                            'ipv6_cidr_blocks': [], 'prefix_list_ids': [],
                            'security_groups': [], 'self': False, 'description': ''}]},
                        'after_unknown': {'id': True, 'vpc_id': True}}},
            {'address': f'aws_flow_log.f{i}', 'mode': 'managed', 'type': 'aws_flow_log',
             'name': f'f{i}',
             'change': {'actions': ['create'], 'after': {'traffic_type': 'ALL'},
                        'after_unknown': {'id': True, 'vpc_id': True}}},
            {'address': f'aws_s3_bucket.b{i}', 'mode': 'managed', 'type': 'aws_s3_bucket',
             'name': f'b{i}',
             'change': {'actions': ['create'],
                        'after': {'bucket': f'bucket-{i}', 'policy': json.dumps({
                            'Statement': [{'Effect': 'Allow', 'Principal': '*',
                                           'Action': 's3:GetObject',
                                           'Resource': f'arn:aws:s3:::bucket-{i}/*'}]})},
                        'after_unknown': {'id': True, 'arn': True}}},
        ]
        for kind, name in (('aws_security_group', f'sg{i}'), ('aws_flow_log', f'f{i}')):
            config.append({'address': f'{kind}.{name}', 'mode': 'managed', 'type': kind,
                           'name': name, 'expressions': {'vpc_id': {
                               'references': [f'aws_vpc.v{i}.id', f'aws_vpc.v{i}']}}})
    plan = {'format_version': '1.2', 'terraform_version': '1.9.5',
            'resource_changes': changes,
            'configuration': {'root_module': {'resources': config}}}
    with open(output, 'w', encoding='utf-8') as f:
        json.dump(plan, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
